from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
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


@lru_cache(maxsize=10_000)  # the menu's pages of some 400 organisations: a few MB at most
def _org_url(url_name: str, slug: str, prefix: str) -> str:
    return reverse(url_name, args=[slug])


@register.simple_tag
def org_url(url_name: str, slug: str) -> str:
    """`{% org_url entry.url_name slug %}`: `{% url entry.url_name slug %}` for the pages of the
    organisation's menu, remembered by each process (the URLs never change while it runs): the
    menu names some twenty pages on every member page, and reversing them all each time cost
    about a millisecond a page."""
    return _org_url(url_name, slug, get_script_prefix())


@register.simple_tag(takes_context=True)
def org_menu(context: dict[str, Any]) -> list[menu.Shown]:
    """`{% org_menu as groups %}`: the organisation's menu as this person may use it."""
    request = context["request"]
    access = getattr(request, "access", None)
    if access is None:
        return []
    match = getattr(request, "resolver_match", None)
    return menu.for_person(access, match.view_name if match else "")
