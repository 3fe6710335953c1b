from django.urls import path

from malbild.reports import views

app_name = "reports"

urlpatterns = [
    path("uppfoljning/perioder/<int:period_id>/dokument/", views.documents, name="documents"),
    path(
        "uppfoljning/perioder/<int:period_id>/dokument/ny/",
        views.request_document,
        name="request",
    ),
    path("uppfoljning/dokument/<int:document_id>/", views.document, name="document"),
    path("uppfoljning/dokument/<int:document_id>.pdf", views.download_pdf, name="pdf"),
    path("uppfoljning/dokument/<int:document_id>.xlsx", views.download_xlsx, name="xlsx"),
    path("uppfoljning/dokument/<int:document_id>/igen/", views.retry, name="retry"),
]
