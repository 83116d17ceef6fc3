"""SOC response pages (seeds B and D): an incident's attack path, AI analysis, actions and
playbooks; the playbook approvals inbox; triggers; attack simulations and model retraining.

Every write calls the service the API calls, with the API's roles: approving a playbook needs a
manager (PlaybookViewSet.approve), changing or simulating a trigger a manager (TriggerViewSet),
an AI analysis or plan and a simulation an editor, retraining a manager (ml/retrain).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from config.api.errors import ApplicationError
from incidents.ml.services.training import retrain_request
from incidents.response.models import WORKFLOW_FINISHED, TriggerStatus, Workflow, WorkflowStatus
from incidents.response.services.triggers import trigger_create, trigger_simulate, trigger_update
from incidents.response.services.workflows import playbook_approve, workflow_from_ai_analysis
from incidents.simulation.models import SimulationStatus
from incidents.simulation.serializers import SimulationOutputSerializer
from incidents.simulation.services import simulation_start
from incidents.threats.models import Incident
from incidents.workspace.analysis import incident_ai_analysis
from organizations.models import Role
from web import selectors, selectors_soc
from web.access import member_required
from web.forms_soc import (
    EXAMPLE_CONDITION,
    EXAMPLE_STEPS,
    ApprovalForm,
    SimulationForm,
    TriggerForm,
    TriggerSimulateForm,
)

PAGE_SIZE = 25
POLL_SECONDS = 3


def _role(request: HttpRequest, role: str) -> bool:
    return request.membership.has_role(role)  # type: ignore[attr-defined]


def _incident_or_404(request: HttpRequest, human_id: str) -> Incident:
    incident = selectors.incidents_of(organization=request.organization).filter(human_id=human_id).first()  # type: ignore[attr-defined]
    if incident is None:
        raise Http404("No such incident in this organization.")
    return incident


def _playbook_or_404(request: HttpRequest, human_id: str) -> Workflow:
    workflow = selectors_soc.playbook_by_human_id(organization=request.organization, human_id=human_id)  # type: ignore[attr-defined]
    if workflow is None:
        raise Http404("No such playbook in this organization.")
    return workflow


def _playbook_context(request: HttpRequest, workflow: Workflow, **extra: Any) -> dict[str, Any]:
    runs = selectors_soc.playbook_executions(workflow=workflow)
    return {
        "playbook": workflow,
        "steps": [{"step": step, "runs": runs.get(step.pk, [])} for step in workflow.steps.all()],
        "can_approve": _role(request, Role.MANAGER),
        "live": workflow.status not in WORKFLOW_FINISHED,
        "poll_seconds": POLL_SECONDS,
        "approval_form": extra.pop("approval_form", None) or ApprovalForm(),
        **extra,
    }


# Incident page additions -------------------------------------------------------------------------


def _incident_response_context(request: HttpRequest, incident: Incident, **extra: Any) -> dict[str, Any]:
    return {
        "incident": incident,
        "attack_paths": selectors_soc.incident_attack_paths(incident=incident),
        "analysis": incident.ai_analysis or None,
        "executions": selectors_soc.incident_executions(incident=incident),
        "containments": selectors_soc.incident_containments(incident=incident),
        "playbooks": [
            _playbook_context(request, workflow)
            for workflow in selectors_soc.incident_playbooks(incident=incident)
        ],
        "can_edit": _role(request, Role.EDITOR),
        **extra,
    }


@member_required()
def incident_response(request: HttpRequest, human_id: str) -> HttpResponse:
    """The incident page's response sections (loaded into it): attack path, AI analysis, actions
    and agent commands, containment, and its playbooks with their approval forms."""
    incident = _incident_or_404(request, human_id)
    template = "web/soc/_incident_response.html" if request.htmx else "web/soc/incident_response.html"  # type: ignore[attr-defined]
    return render(request, template, _incident_response_context(request, incident))


@require_POST
@member_required(Role.EDITOR)
def incident_analyse(request: HttpRequest, human_id: str) -> HttpResponse:
    """Run (or refresh) the incident's AI analysis; answers the analysis card."""
    incident = _incident_or_404(request, human_id)
    error = ""
    try:
        incident = incident_ai_analysis(incident=incident, user=request.user)
    except ApplicationError as exc:
        error = exc.message
    context = {
        "incident": incident,
        "analysis": incident.ai_analysis or None,
        "can_edit": True,
        "error": error,
    }
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("web:incident", human_id=incident.human_id)
    return render(request, "web/soc/_ai_analysis.html", context, status=422 if error else 200)


@require_POST
@member_required(Role.EDITOR)
def incident_ai_plan(request: HttpRequest, human_id: str) -> HttpResponse:
    """Turn the AI analysis's recommended actions into a playbook (it waits for approval when one
    of its actions needs it, as through the API)."""
    incident = _incident_or_404(request, human_id)
    try:
        workflow = workflow_from_ai_analysis(incident=incident, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Playbook {workflow.human_id} created ({workflow.get_status_display()}).")
    return redirect(reverse("web:incident", args=[incident.human_id]) + "#playbooks")


# Playbooks ---------------------------------------------------------------------------------------


@member_required()
def threat_playbooks(request: HttpRequest, human_id: str) -> HttpResponse:
    """The threat page's playbooks (loaded into it), each with its approval form."""
    workflows = selectors_soc.threat_playbooks(organization=request.organization, threat_human_id=human_id)  # type: ignore[attr-defined]
    if workflows is None:
        raise Http404("No such threat in this organization.")
    context = {"playbooks": [_playbook_context(request, workflow) for workflow in workflows]}
    return render(request, "web/soc/_threat_playbooks.html", context)


@member_required()
def playbooks(request: HttpRequest) -> HttpResponse:
    """The approvals inbox: pending approvals first, then running playbooks, then the rest."""
    status = request.GET.get("status", "")
    if status not in WorkflowStatus.values:
        status = ""
    queryset = selectors_soc.playbook_inbox(organization=request.organization, status=status)  # type: ignore[attr-defined]
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": WorkflowStatus.choices,
        "pending": selectors_soc.pending_approval_count(organization=request.organization),  # type: ignore[attr-defined]
        "query": f"status={status}" if status else "",
    }
    return render(request, "web/soc/playbooks.html", context)


@member_required()
def playbook_detail(request: HttpRequest, human_id: str) -> HttpResponse:
    workflow = _playbook_or_404(request, human_id)
    context = _playbook_context(request, workflow)
    if request.htmx:  # type: ignore[attr-defined]  # the panel polls itself while it runs
        return render(request, "web/soc/_playbook.html", context)
    return render(request, "web/soc/playbook.html", context)


@require_POST
@member_required(Role.MANAGER)
def playbook_decide(request: HttpRequest, human_id: str) -> HttpResponse:
    """Approve or reject with a comment (manager or admin, as the API): approval starts the run."""
    workflow = _playbook_or_404(request, human_id)
    form = ApprovalForm(request.POST)
    status = 200
    if form.is_valid():
        approved = form.cleaned_data["decision"] == "approve"
        try:
            playbook_approve(
                workflow=workflow,
                approved=approved,
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = 422
        else:
            form = ApprovalForm()
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, f"{workflow.human_id} {'approved' if approved else 'rejected'}.")
    else:
        status = 422
    if not request.htmx:  # type: ignore[attr-defined]
        if status != 200:
            messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:playbook", human_id=workflow.human_id)
    workflow = _playbook_or_404(request, human_id)
    response = render(
        request,
        "web/soc/_playbook.html",
        _playbook_context(request, workflow, approval_form=form),
        status=status,
    )
    if status == 200:
        # The incident page reloads its sections: the decision's actions and containment show up.
        response["HX-Trigger"] = "playbook-decided"
    return response


# Triggers ----------------------------------------------------------------------------------------


@member_required()
def triggers(request: HttpRequest) -> HttpResponse:
    context = {
        "triggers": [
            {"trigger": trigger, "condition": json.dumps(trigger.condition)}
            for trigger in selectors_soc.triggers_of(organization=request.organization)  # type: ignore[attr-defined]
        ],
        "can_manage": _role(request, Role.MANAGER),
        "simulate_form": TriggerSimulateForm(),
    }
    return render(request, "web/soc/triggers.html", context)


def _trigger_or_404(request: HttpRequest, trigger_id) -> Any:
    trigger = selectors_soc.trigger_by_id(organization=request.organization, trigger_id=trigger_id)  # type: ignore[attr-defined]
    if trigger is None:
        raise Http404("No such trigger in this organization.")
    return trigger


@require_http_methods(["GET", "POST"])
@member_required(Role.MANAGER)
def trigger_edit(request: HttpRequest, trigger_id=None) -> HttpResponse:
    """Create (no id) or edit a trigger; the service validates the condition and the steps, and
    its errors (the condition's path, the step and field) are shown on the fields."""
    trigger = _trigger_or_404(request, trigger_id) if trigger_id else None
    if trigger is not None:
        initial = {
            field: getattr(trigger, field)
            for field in (
                "name",
                "description",
                "condition",
                "steps",
                "auto_execute",
                "cooldown_seconds",
                "max_fires_per_hour",
                "priority",
            )
        }
    else:
        initial = {
            "condition": EXAMPLE_CONDITION,
            "steps": EXAMPLE_STEPS,
            "cooldown_seconds": 300,
            "max_fires_per_hour": 10,
            "priority": 100,
        }
    form = TriggerForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if trigger is None:
                    trigger = trigger_create(
                        organization=request.organization,  # type: ignore[attr-defined]
                        actor=request.user,
                        **form.cleaned_data,
                    )
                    messages.success(request, f"Trigger {trigger.name} created.")
                else:
                    trigger = trigger_update(trigger=trigger, actor=request.user, **form.cleaned_data)
                    messages.success(request, f"Trigger {trigger.name} saved.")
            except ApplicationError as exc:
                form.apply_service_error(exc)
                status = 400
            else:
                return redirect("web:triggers")
        else:
            status = 400
    return render(request, "web/soc/trigger_form.html", {"form": form, "trigger": trigger}, status=status)


@require_POST
@member_required(Role.MANAGER)
def trigger_toggle(request: HttpRequest, trigger_id, action: str) -> HttpResponse:
    trigger = _trigger_or_404(request, trigger_id)
    new_status = {"enable": TriggerStatus.ACTIVE, "disable": TriggerStatus.PAUSED}.get(action)
    if new_status is None:
        raise Http404("Unknown trigger action.")
    try:
        trigger = trigger_update(trigger=trigger, actor=request.user, status=new_status)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{trigger.name} is {trigger.get_status_display().lower()}.")
    return redirect("web:triggers")


@require_POST
@member_required(Role.MANAGER)
def trigger_simulation(request: HttpRequest, trigger_id) -> HttpResponse:
    """What the trigger would have fired on over recent incidents; nothing is acted upon."""
    trigger = _trigger_or_404(request, trigger_id)
    form = TriggerSimulateForm(request.POST)
    result, error = None, ""
    if form.is_valid():
        result = trigger_simulate(trigger=trigger, days=form.cleaned_data["days"])
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    context = {"trigger": trigger, "result": result, "error": error, "days": form.cleaned_data.get("days")}
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/soc/trigger_simulation.html", context, status=400 if error else 200)
    return render(request, "web/soc/_trigger_simulation.html", context, status=422 if error else 200)


# Attack simulations and model retraining ---------------------------------------------------------


def _simulation_row(simulation) -> dict[str, Any]:
    """The API's own view of a simulation (its progress and estimated duration)."""
    data = SimulationOutputSerializer(simulation).data
    return {
        "simulation": simulation,
        "progress_percent": round(100 * float(data["progress"])),
        "estimated_duration_s": data["estimated_duration_s"],
        "live": simulation.status in (SimulationStatus.QUEUED, SimulationStatus.RUNNING),
        "poll_seconds": POLL_SECONDS,
    }


@require_http_methods(["GET", "POST"])
@member_required()
def simulations(request: HttpRequest) -> HttpResponse:
    form = SimulationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not _role(request, Role.EDITOR):
            messages.error(request, "Running a simulation needs the editor role or higher.")
            return redirect("web:simulations")
        if form.is_valid():
            try:
                simulation = simulation_start(
                    organization=request.organization,  # type: ignore[attr-defined]
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, f"Simulation {simulation.human_id} started.")
                return redirect("web:simulations")
        else:
            status = 400
    page = Paginator(
        selectors_soc.simulations_of(organization=request.organization),  # type: ignore[attr-defined]
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [_simulation_row(s) for s in page.object_list],
        "can_run": _role(request, Role.EDITOR),
        "can_retrain": _role(request, Role.MANAGER),
        "ml": selectors_soc.models_status(organization=request.organization),  # type: ignore[attr-defined]
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "web/soc/simulations.html", context, status=status)


@member_required()
def simulation_progress(request: HttpRequest, human_id: str) -> HttpResponse:
    simulation = selectors_soc.simulation_by_human_id(organization=request.organization, human_id=human_id)  # type: ignore[attr-defined]
    if simulation is None:
        raise Http404("No such simulation in this organization.")
    return render(request, "web/soc/_simulation_row.html", {"row": _simulation_row(simulation)})


def _models(request: HttpRequest) -> HttpResponse:
    context = {
        "ml": selectors_soc.models_status(organization=request.organization),  # type: ignore[attr-defined]
        "can_retrain": _role(request, Role.MANAGER),
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "web/soc/_models.html", context)


@member_required()
def models_progress(request: HttpRequest) -> HttpResponse:
    """The models card: promoted versions and the last retraining job (polled while it runs)."""
    return _models(request)


@require_POST
@member_required(Role.MANAGER)
def models_retrain(request: HttpRequest) -> HttpResponse:
    retrain_request(organization=request.organization, user=request.user, kinds=[])  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        return _models(request)
    messages.success(request, "Retraining queued.")
    return redirect("web:simulations")
