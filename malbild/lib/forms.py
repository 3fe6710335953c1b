"""Helpers for Django forms."""

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names them, else at
    the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
