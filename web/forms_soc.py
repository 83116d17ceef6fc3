"""Forms of the SOC response pages: they parse input only; the rules (a trigger's condition
language, a playbook's approval gate, a simulation's limits) live in the services they feed."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from config.api.errors import ApplicationError
from incidents.simulation.models import AttackType, Intensity

EXAMPLE_CONDITION = {
    "all": [
        {"field": "severity", "op": "gte", "value": "high"},
        {"field": "threat_type", "op": "eq", "value": "brute_force_attack"},
    ]
}
EXAMPLE_STEPS = [
    {"action": "block_ip", "params": {"ip": "{{incident.source_ip}}", "duration_seconds": 3600}},
    {"action": "alert_admin", "params": {"subject": "{{incident.human_id}} blocked"}},
]


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label="Comment", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class JsonField(forms.CharField):
    """A JSON document typed into a textarea; the service validates its meaning."""

    widget = forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "code"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, indent=2)
        return value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(f"Not valid JSON: {error}.") from None


class TriggerForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    condition = JsonField(
        label="Condition (JSON)",
        help_text=(
            'One node: {"all": [...]}, {"any": [...]}, {"not": node}, {"field", "op", "value"} or '
            '{"count": {"window_seconds", "min"}}. Fields: severity, risk_score, threat_count, source_ip, '
            "status, threat_type, source, mitre_technique."
        ),
    )
    steps = JsonField(
        label="Steps (JSON)",
        help_text='[{"action", "params", "on_failure"?, "max_retries"?}]; {{incident.source_ip}} '
        "and similar placeholders are filled in when it fires.",
    )
    auto_execute = forms.BooleanField(
        label="Run at once when it fires (actions that need approval still wait)", required=False
    )
    cooldown_seconds = forms.IntegerField(label="Cooldown (seconds)", min_value=0, max_value=30 * 86400)
    max_fires_per_hour = forms.IntegerField(label="At most fires per hour", min_value=1, max_value=1000)
    priority = forms.IntegerField(label="Priority (lower first)", min_value=0, max_value=1000)

    def apply_service_error(self, error: ApplicationError) -> None:
        """The service names what is wrong: the condition's path, a step, or the name."""
        details = error.details if isinstance(error.details, dict) else {}
        if isinstance(details.get("condition"), dict):
            self.add_error("condition", error.message)
        elif "steps" in details or "params" in details or "action" in details:
            self.add_error("steps", _steps_message(error))
        elif "name" in details:
            self.add_error("name", error.message)
        else:
            self.add_error(None, error.message)


def _steps_message(error: ApplicationError) -> str:
    steps = (error.details or {}).get("steps")
    if isinstance(steps, dict) and steps:
        parts = []
        for index, problem in sorted(steps.items()):
            message = problem.get("message", "") if isinstance(problem, dict) else str(problem)
            extra = problem.get("params") if isinstance(problem, dict) else None
            parts.append(f"step {index}: {message}" + (f" {json.dumps(extra)}" if extra else ""))
        return f"{error.message} " + "; ".join(parts)
    return error.message


class TriggerSimulateForm(forms.Form):
    days = forms.IntegerField(label="Look back (days)", min_value=1, max_value=90, initial=7)


class SimulationForm(forms.Form):
    attack_type = forms.ChoiceField(label="Attack", choices=AttackType.choices)
    target = forms.RegexField(
        label="Target host",
        regex=r"^[A-Za-z0-9._:-]{1,200}$",
        initial="auth_server",
        help_text="A host name or address the simulated attack aims at.",
        error_messages={"invalid": "Letters, digits, dots, colons, dashes and underscores only."},
    )
    intensity = forms.ChoiceField(label="Intensity", choices=Intensity.choices, initial=Intensity.MEDIUM)


class WindowForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Window",
        coerce=int,
        choices=[(1, "Last 24 hours"), (7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days")],
        initial=30,
        required=False,
    )
