from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from malbild import views
from malbild.accounts import views as account_views
from malbild.api.endpoints import api
from malbild.demo import views as demo_views
from malbild.tenants import views as tenant_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("baslinje/", views.baseline, name="baseline"),  # for `make bench`, linked from nowhere
    path("sprak/", account_views.set_language, name="set_language"),
    path("konto/", include("malbild.accounts.urls")),
    path("inbjudan/<str:token>/", tenant_views.invitation, name="invitation"),
    # The demo's own RSS and Atom feeds; 404 unless MALBILD_FEED_ALLOW_PRIVATE (the demo only).
    path("demo-floden/<slug:name>.xml", demo_views.demo_feed, name="demo_feed"),
    # Members' pages: the organisation is resolved from <org> by tenants.decorators.member_view.
    path("o/<slug:org>/", include("malbild.tenants.urls")),
    path("o/<slug:org>/logg/", include("malbild.audit.urls")),
    path("o/<slug:org>/", include("malbild.platforms.urls")),
    path("o/<slug:org>/", include("malbild.targets.urls")),
    path("o/<slug:org>/", include("malbild.steering.urls")),
    path("o/<slug:org>/", include("malbild.indicators.urls")),
    path("o/<slug:org>/", include("malbild.imports.urls")),
    path("o/<slug:org>/", include("malbild.goals.urls")),
    path("o/<slug:org>/", include("malbild.plans.urls")),
    path("o/<slug:org>/", include("malbild.followup.urls")),
    path("o/<slug:org>/", include("malbild.scanning.urls")),
    path("o/<slug:org>/", include("malbild.dashboards.urls")),
    path("o/<slug:org>/", include("malbild.practices.urls")),
    # The practice library across organisations (DESIGN.md §4: read through tenants.shared).
    path("delat/praxis/", include("malbild.practices.shared_urls")),
    path("o/<slug:org>/", include("malbild.assessments.urls")),
    # Across organisations: only through tenants.shared (DESIGN.md §4).
    path("delat/", include("malbild.assessments.shared_urls")),
    path("o/<slug:org>/", include("malbild.announcements.urls")),
    path("o/<slug:org>/", include("malbild.stories.urls")),
    path("o/<slug:org>/", include("malbild.feedback.urls")),
    path("o/<slug:org>/", include("malbild.reports.urls")),
    path("o/<slug:org>/", include("malbild.surveys.urls")),
    path("o/<slug:org>/", include("malbild.onboarding.urls")),
    # Public pages, no login: tenants.decorators.public_view.
    path("offentlig/<slug:org>/", include("malbild.dashboards.public_urls")),
    path("offentlig/<slug:org>/praxis/", include("malbild.practices.public_urls")),
    path("offentlig/<slug:org>/", include("malbild.announcements.public_urls")),
    path("offentlig/<slug:org>/", include("malbild.goals.public_urls")),
    path("offentlig/<slug:org>/", include("malbild.stories.public_urls")),
    path("offentlig/<slug:org>/", include("malbild.feedback.public_urls")),
    path("offentlig/<slug:org>/", include("malbild.surveys.public_urls")),
    # Pupils answer Elevrösten here without an account: the code names the survey.
    path("elev/", include("malbild.surveys.pupil_urls")),
    # Personal feeds and the digest's off switch: no session, a secret in the address.
    path("flode/<slug:org>/", include("malbild.announcements.personal_urls")),
    path("django-admin/", admin.site.urls),
    # The JSON API: personal bearer keys, not sessions (malbild/api, docs/api.md).
    path("api/v1/", api.urls),
    path("konto/api-nycklar/", include("malbild.api.urls")),
]

handler400 = "malbild.views.bad_request"
handler403 = "malbild.views.permission_denied"
handler404 = "malbild.views.page_not_found"
handler500 = "malbild.views.server_error"

if settings.DEBUG:  # pragma: no cover
    urlpatterns += [path("__debug__/500/", views.server_error)]
