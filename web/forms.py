"""Forms of the dashboard: they parse input only; every rule lives in the services they feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone

from config.api.errors import ApplicationError
from metrics.productivity.models import DashboardScope, ReportFormat, ReportType
from metrics.productivity.selectors.dashboards import WIDGET_SOURCES, WIDGET_TYPES
from metrics.productivity.selectors.metrics import AGGREGATION_CHOICES
from metrics.productivity.serializers.dashboards import WidgetQuerySerializer
from metrics.productivity.serializers.reports import ReportFiltersSerializer
from organizations.models import ApiKeyScope, Role
from scans.models import RepoType
from scans.serializers import (
    LANGUAGES,
    ProjectInputSerializer,
    ScanCodeInputSerializer,
    ScanPiiInputSerializer,
    ScanPromptInputSerializer,
)


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


# --- Scanner (seed E) and productivity (seed C) -------------------------------------------------


class ApiCheckedForm(forms.Form):
    """A form whose cleaned values are checked again by the API's input serializer, so a page and
    the API accept exactly the same input; `validated` holds what the serializer returned."""

    serializer_class: Any = None

    def serializer_data(self, cleaned: dict) -> dict:
        return {name: value for name, value in cleaned.items() if value not in (None, "", [])}

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        self.validated: dict = {}
        if self.errors:
            return cleaned
        serializer = self.serializer_class(data=self.serializer_data(cleaned))
        if serializer.is_valid():
            self.validated = dict(serializer.validated_data)
        else:
            for name, messages in serializer.errors.items():
                for message in _flat_messages(messages):
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


def _flat_messages(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [f"{key}: {text}" for key, value in messages.items() for text in _flat_messages(value)]
    if isinstance(messages, list):
        return [text for item in messages for text in _flat_messages(item)]
    return [str(messages)]


class ProjectForm(ApiCheckedForm):
    serializer_class = ProjectInputSerializer

    name = forms.CharField(label="Project name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    repo_type = forms.ChoiceField(label="Repository type", choices=RepoType.choices, initial=RepoType.UPLOAD)
    repo_url = forms.CharField(
        label="Repository URL", required=False, max_length=500, help_text="https://… (empty for uploads)."
    )
    access_token = forms.CharField(
        label="Repository access token",
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted and never shown again. Leave empty to keep the current one.",
    )
    clear_access_token = forms.BooleanField(label="Remove the stored access token", required=False)
    is_public = forms.BooleanField(label="Public repository", required=False)

    def serializer_data(self, cleaned: dict) -> dict:
        data = {name: cleaned.get(name) for name in ("name", "description", "repo_type", "repo_url")}
        data["is_public"] = bool(cleaned.get("is_public"))
        if cleaned.get("clear_access_token"):
            data["access_token"] = ""
        elif cleaned.get("access_token"):
            data["access_token"] = cleaned["access_token"]
        return {name: value for name, value in data.items() if value is not None}


def _project_choices(projects) -> list[tuple[str, str]]:
    return [("", "No project"), *((str(project.pk), project.name) for project in projects)]


class _ScanForm(ApiCheckedForm):
    project_id = forms.ChoiceField(label="Project", required=False)

    def __init__(self, *args: Any, projects, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["project_id"]).choices = _project_choices(projects)


class CodeScanForm(_ScanForm):
    serializer_class = ScanCodeInputSerializer

    code = forms.CharField(
        label="Code",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "mono"}),
        help_text="Paste a file's content, or upload an archive below.",
    )
    filename = forms.CharField(
        label="File name", required=False, max_length=255, help_text="e.g. settings.py"
    )
    language = forms.ChoiceField(
        label="Language", required=False, choices=[("", "Detect"), *((name, name) for name in LANGUAGES)]
    )
    archive = forms.FileField(
        label="Or an archive", required=False, help_text=".zip, .tar.gz, .tgz or .tar of the sources."
    )


class PromptScanForm(_ScanForm):
    serializer_class = ScanPromptInputSerializer

    prompt = forms.CharField(label="Prompt", strip=False, widget=forms.Textarea(attrs={"rows": 6}))
    model = forms.CharField(label="Model", required=False, max_length=100, help_text="Optional, e.g. gpt-4o.")
    allow_list = forms.CharField(
        label="Trusted phrases",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: parts of your own templates that are never scored.",
    )

    def serializer_data(self, cleaned: dict) -> dict:
        data = super().serializer_data(cleaned)
        phrases = [line.strip() for line in (cleaned.get("allow_list") or "").splitlines() if line.strip()]
        data.pop("allow_list", None)
        if phrases:
            data["allow_list"] = phrases
        return data


class PiiScanForm(_ScanForm):
    serializer_class = ScanPiiInputSerializer

    content = forms.CharField(label="Content", strip=False, widget=forms.Textarea(attrs={"rows": 6}))
    content_type = forms.CharField(
        label="Content type", required=False, max_length=50, help_text="Optional, e.g. support_ticket."
    )
    redact = forms.BooleanField(label="Also produce a redacted copy", required=False)


class DashboardForm(forms.Form):
    name = forms.CharField(label="Dashboard name", max_length=200)
    scope = forms.ChoiceField(label="Visible to", choices=DashboardScope.choices, initial=DashboardScope.USER)
    team_id = forms.ChoiceField(label="Team", required=False, help_text="For team dashboards.")
    is_default = forms.BooleanField(label="Default dashboard", required=False)

    def __init__(self, *args: Any, teams, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team_id"]).choices = [
            ("", "—"),
            *((str(team.pk), team.name) for team in teams),
        ]


class WidgetForm(ApiCheckedForm):
    """A widget's type and title, and its query checked by the API's widget query serializer."""

    serializer_class = WidgetQuerySerializer

    widget_type = forms.ChoiceField(
        label="Widget type", choices=[(name, name.title()) for name in WIDGET_TYPES]
    )
    title = forms.CharField(label="Title", required=False, max_length=200)
    source = forms.ChoiceField(label="Data", choices=[(name, name.title()) for name in WIDGET_SOURCES])
    metric_type = forms.CharField(
        label="Metric type", required=False, max_length=100, help_text="Empty: every metric type."
    )
    agent_name = forms.CharField(label="Agent", required=False, max_length=120, help_text="Agents data only.")
    aggregation = forms.ChoiceField(label="Per", choices=AGGREGATION_CHOICES, initial="day")
    range_days = forms.IntegerField(label="Last N days", min_value=1, max_value=366, initial=30)

    def serializer_data(self, cleaned: dict) -> dict:
        names = ("source", "metric_type", "agent_name", "aggregation", "range_days")
        return {name: cleaned[name] for name in names if cleaned.get(name) not in (None, "")}


REPORT_RANGES = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last 365 days"),
]


class ReportExportForm(ApiCheckedForm):
    """What to export; the period becomes the API's start_date/end_date filters."""

    serializer_class = ReportFiltersSerializer

    report_type = forms.ChoiceField(label="Report", choices=ReportType.choices)
    format = forms.ChoiceField(label="Format", choices=ReportFormat.choices, initial=ReportFormat.CSV)
    range_days = forms.TypedChoiceField(label="Period", choices=REPORT_RANGES, coerce=int, initial="30")
    team_id = forms.ChoiceField(label="Team", required=False)

    def __init__(self, *args: Any, teams, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team_id"]).choices = [
            ("", "All teams"),
            *((str(team.pk), team.name) for team in teams),
        ]

    def serializer_data(self, cleaned: dict) -> dict:
        end = timezone.now()
        data: dict = {"start_date": end - timedelta(days=cleaned["range_days"]), "end_date": end}
        if cleaned.get("team_id"):
            data["team_id"] = cleaned["team_id"]
        return data


class TrendsForm(forms.Form):
    range_days = forms.TypedChoiceField(
        label="Period", choices=REPORT_RANGES, coerce=int, initial="30", required=False
    )
    granularity = forms.ChoiceField(
        label="Per", choices=[c for c in AGGREGATION_CHOICES if c[0] != "hour"], initial="day", required=False
    )
    team_id = forms.ChoiceField(label="Team", required=False)

    def __init__(self, *args: Any, teams, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team_id"]).choices = [
            ("", "All teams"),
            *((str(team.pk), team.name) for team in teams),
        ]
