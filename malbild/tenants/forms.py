from typing import Any

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Membership, Organisation, OrgUnit


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of the active organisation. An id from elsewhere (which the page never offers,
    so the request was tampered with) answers 404 like the same id in a URL would."""

    def to_python(self, value: Any) -> OrgUnit | None:
        if value in self.empty_values:
            return None
        if self.queryset is None:
            raise Http404
        try:
            return self.queryset.get(pk=int(value))
        except (ValueError, TypeError, OrgUnit.DoesNotExist):
            raise Http404 from None

    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.indented_name()


def active_units(organisation: Organisation) -> Any:
    return OrgUnit.objects.filter(organisation=organisation, archived_at__isnull=True).order_by(
        "path"
    )


class UnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "kind", "code", "school_unit_code", "kolada_ou_id"]

    def __init__(
        self, *args: Any, organisation: Organisation, parent: OrgUnit | None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.parent = parent
        self.instance.organisation = organisation

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Write the unit's name."))
        return name

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        taken = OrgUnit.objects.filter(organisation=self.organisation, code__iexact=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another unit in the organisation already has the code %(code)s."),
                params={"code": code},
            )
        return code

    def validate_unique(self) -> None:
        # Uniqueness is checked above and in the services, with messages people understand.
        pass


class MoveForm(forms.Form):
    parent = UnitChoiceField(
        label=_("Move under"),
        queryset=None,  # set per request, scoped to the organisation
        required=False,
        empty_label=_("(the top level)"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = active_units(organisation)  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    unit = UnitChoiceField(
        label=_("For"),
        queryset=None,  # set per request, scoped to the organisation
        required=False,
        empty_label=_("the whole organisation"),
        help_text=_("The role reaches this unit and every unit below it."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units(organisation)  # type: ignore[attr-defined]


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)

    field_order = ["email", "name", "role", "unit"]


class AcceptInvitationForm(forms.Form):
    """For someone without an account: a name and a password."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Write your name."))
        return name

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth import password_validation

        from malbild.accounts.models import User

        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.email, name=data.get("name", ""))
                )
            except forms.ValidationError as e:
                self.add_error("password1", e)
        return data
