from __future__ import annotations

from django import forms

from kolhub.models import CURRENCIES, TIMEZONES, ApiKey, Role


class OrganizationForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Brand or company name",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Glow Lab Skincare", "autofocus": True}),
    )
    default_currency = forms.ChoiceField(
        choices=CURRENCIES, initial="USD", help_text="Fees, budgets and revenue default to this."
    )
    timezone = forms.ChoiceField(
        choices=TIMEZONES, initial="UTC", help_text="Reports and due dates use this timezone."
    )


class InviteForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": "teammate@brand.com"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=80, widget=forms.TextInput(attrs={"placeholder": "e.g. Data warehouse sync"})
    )
    role = forms.ChoiceField(
        choices=ApiKey.Access.choices, initial=ApiKey.Access.READ_ONLY, label="Access"
    )


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form, field by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
