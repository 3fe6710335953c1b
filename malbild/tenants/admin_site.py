from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from malbild.tenants.scope import unscoped


class UnscopedAdminSite(admin.AdminSite):
    """The technical admin for superusers: works across organisations, outside tenant scope."""

    site_header = "Målbild – teknisk administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            with unscoped():
                response = inner(request, *args, **kwargs)
                # Admin pages are TemplateResponses: render them while still unscoped.
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                return response

        return wrapped
