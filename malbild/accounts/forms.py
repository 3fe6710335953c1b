from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.template import loader
from django.utils.translation import gettext_lazy as _

from malbild.accounts.models import User, UserManager
from malbild.accounts.tasks import send_email


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is wrong. Check both and try again; after "
            "five failed attempts, logging in is blocked for 15 minutes."
        ),
        "inactive": _("This account is deactivated. Ask your administrator for help."),
    }

    def clean_username(self) -> str:
        return UserManager.normalize(self.cleaned_data["username"])


class LanguageSelect(forms.Select):
    """Each language named in itself ("svenska", "English") and marked as such, so that a
    screen reader says it in that language (WCAG 3.1.2)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["lang"] = option["value"]
        return option


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]
        labels = {"name": _("Your name"), "language": _("Language")}
        help_texts = {
            "name": _("As colleagues and the public will see it."),
            "language": _("The language of the pages and of e-mail from Målbild."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "language": LanguageSelect,
        }

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Write your name."))
        return name


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, but the e-mail is handed to the worker instead of sent inline."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.enqueue(to=[to_email], subject=subject, body=body)


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass
