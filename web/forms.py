"""Forms of the dashboard: they parse input only; every rule lives in the services they feed."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from config.api.errors import ApplicationError
from organizations.models import ApiKeyScope, Role


def apply_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: field errors where it names fields."""
    fields = (error.details or {}).get("fields") if isinstance(error.details, dict) else None
    placed = False
    if isinstance(fields, dict):
        for name, messages in fields.items():
            if name in form.fields:
                for message in messages if isinstance(messages, list) else [messages]:
                    form.add_error(name, str(message))
                placed = True
    if not placed:
        form.add_error(None, error.message)


class SignInForm(forms.Form):
    login = forms.CharField(label="Email or username", max_length=254)
    password = forms.CharField(label="Password", widget=forms.PasswordInput)


class SignUpForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    email = forms.EmailField(label="Work email")
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput, help_text="At least 12 characters."
    )
    organization_name = forms.CharField(label="Organization name", max_length=120, required=False)
    invite_token = forms.CharField(widget=forms.HiddenInput, required=False)


class RecoverWithKeyForm(forms.Form):
    email = forms.EmailField(label="Email")
    recovery_key = forms.CharField(label="Recovery key", max_length=64)
    new_password = forms.CharField(label="New password", widget=forms.PasswordInput)


class RecoverWithQuestionsForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput)
    answer_1 = forms.CharField(label="Answer 1", max_length=200)
    answer_2 = forms.CharField(label="Answer 2", max_length=200)
    new_password = forms.CharField(label="New password", widget=forms.PasswordInput)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=120)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    scopes = forms.MultipleChoiceField(
        label="Scopes", choices=ApiKeyScope.choices, widget=forms.CheckboxSelectMultiple
    )


class WebhookForm(forms.Form):
    url = forms.URLField(label="Endpoint URL", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label="Events", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, event_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["events"]).choices = [(name, name) for name in event_types]


class MetricValueForm(forms.Form):
    current_value = forms.FloatField(label="Current value")


class MetricFilterForm(forms.Form):
    search = forms.CharField(label="Search", required=False)
    function = forms.ChoiceField(label="Function", required=False)
    priority = forms.ChoiceField(
        label="Priority",
        required=False,
        choices=[("", "Any"), ("High", "High"), ("Medium", "Medium"), ("Low", "Low")],
    )

    def __init__(self, *args: Any, functions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["function"]).choices = [("", "Any"), *functions]


class CatalogImportForm(forms.Form):
    file = forms.FileField(label="CSV file")


class AssistantForm(forms.Form):
    mode = forms.ChoiceField(
        label="Ask for",
        choices=[
            ("report", "A posture report"),
            ("recommendations", "Recommendations"),
            ("explain", "An explanation"),
            ("metrics", "A new metric suggestion"),
        ],
    )
    prompt = forms.CharField(label="Question", required=False, max_length=2000)


class AiConfigurationForm(forms.Form):
    """Provider, model and the provider's credential fields (named `credentials.<field>`)."""

    provider_code = forms.ChoiceField(label="Provider")
    model_id = forms.CharField(
        label="Model", required=False, help_text="Empty: the provider's default model."
    )

    def __init__(self, *args: Any, providers: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["provider_code"]).choices = [(p.code, p.name) for p in providers]
        self.auth_field_names: list[str] = []
        for provider in providers:
            for auth_field in provider.auth_fields:
                name = f"credentials.{auth_field.name}"
                if name in self.fields:
                    continue
                widget = (
                    forms.PasswordInput(render_value=False)
                    if auth_field.type == "password"
                    else forms.Textarea(attrs={"rows": 3})
                    if auth_field.type == "textarea"
                    else forms.TextInput()
                )
                self.fields[name] = forms.CharField(
                    label=auth_field.label, required=False, widget=widget, max_length=20000
                )
                self.auth_field_names.append(auth_field.name)

    def credentials(self) -> dict[str, str]:
        return {
            name: value
            for name in self.auth_field_names
            if (value := (self.cleaned_data.get(f"credentials.{name}") or "").strip())
        }
