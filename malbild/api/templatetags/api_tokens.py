from typing import Any

from django import template

from malbild.api import tokens

register = template.Library()


@register.inclusion_tag("api/token_section.html", takes_context=True)
def api_token_section(context: dict[str, Any]) -> dict[str, Any]:
    """The profile page's list of the person's API keys (two queries)."""
    user = context["request"].user
    return {
        "tokens": tokens.tokens_of(user),
        "may_create": bool(tokens.organisations_of(user)),
    }
