from typing import Any

from django import template
from django.utils.safestring import SafeString

from malbild.lib.markdown import render as render_markdown
from malbild.tenants import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: dict[str, Any], capability: str, unit: Any = None, anywhere: bool = False) -> bool:
    """`{% can "can_manage_units" unit as allowed %}`: the same rule the view enforces."""
    access = getattr(context["request"], "access", None)
    return bool(access and access.can(capability, unit, anywhere=anywhere))


@register.filter
def markdown(text: str) -> SafeString:
    """`{{ text|markdown }}`: Markdown rendered and sanitised (malbild.lib.markdown)."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def org_menu(context: dict[str, Any]) -> list[menu.Shown]:
    """`{% org_menu as groups %}`: the organisation's menu as this person may use it."""
    request = context["request"]
    access = getattr(request, "access", None)
    if access is None:
        return []
    match = getattr(request, "resolver_match", None)
    return menu.for_person(access, match.view_name if match else "")
