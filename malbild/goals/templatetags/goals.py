from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from malbild.goals.models import Goal

register = template.Library()


@register.simple_tag
def goal_status(goal: Goal) -> SafeString:
    """`{% goal_status goal %}`: a goal's stage as text in a badge; the text carries the meaning.
    Written here, not as an included template: lists of goals show dozens, and each include cost
    a template render. Ends with the newline that ended the template file, so the pages stay the
    same to the byte."""
    return format_html(
        '<span class="tag goal-status goal-status--{}">{}</span>\n',
        goal.status,
        goal.get_status_display(),
    )
