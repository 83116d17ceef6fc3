"""Creators of response and onboarding resources for the quality gates (cross-tenant probe, budgets, fuzzer).

Incident sub-paths (contain, block-status, ...) are addressed by the incidents creator of
/api/v1/incidents/{id}.
"""

import itertools

from incidents.onboarding.services import agent_enroll, agent_heartbeat, enrollment_token_create
from incidents.response.services.executions import action_execute
from incidents.response.services.triggers import trigger_create
from incidents.response.services.workflows import workflow_create
from tests.quality.resources import UNPROBED, Tenant, resource

_serial = itertools.count(1)


@resource("/api/v1/agents/commands/{id}")
def agent_command(tenant: Tenant) -> dict:
    """A command queued for an enrolled agent (people get 404 across tenants, 403 in their own)."""
    _token, raw = enrollment_token_create(organization=tenant.organization)
    agent = agent_enroll(
        token=raw, hostname=f"probe-agent-{next(_serial)}", capabilities=["forensic_dump"]
    ).agent
    agent_heartbeat(agent=agent)
    execution = action_execute(
        organization=tenant.organization, action="forensic_dump", params={"host": agent.hostname}
    )
    return {"id": execution.pk}


def _playbook(tenant: Tenant):
    return workflow_create(
        organization=tenant.organization,
        name=f"probe playbook {next(_serial)}",
        steps=[{"action": "block_ip", "params": {"ip": "192.0.2.10"}}, {"action": "create_ticket"}],
        actor=tenant.admin.user,
    )


@resource("/api/v1/playbooks/{playbook_id}")
def playbook(tenant: Tenant) -> dict:
    return {"playbook_id": _playbook(tenant).human_id}


@resource("/api/v1/response/workflows/{id}")
def workflow(tenant: Tenant) -> dict:
    return {"id": _playbook(tenant).pk}


@resource("/api/v1/triggers/{trigger_id}")
def trigger(tenant: Tenant) -> dict:
    created = trigger_create(
        organization=tenant.organization,
        name=f"probe trigger {next(_serial)}",
        condition={"field": "severity", "op": "gte", "value": "high"},
        steps=[{"action": "create_ticket"}],
        actor=tenant.admin.user,
    )
    return {"trigger_id": created.pk}


# The enrolled-agents list has no item route of its own; registering its template lets the query
# budget grow that list by one enrollment per call.
@resource("/api/v1/onboarding/enrolled-agents/{enrollment_id}")
@resource("/api/v1/onboarding/verify-agent-access/{enrollment_id}")
def enrolled_agent(tenant: Tenant) -> dict:
    _token, raw = enrollment_token_create(organization=tenant.organization)
    return {"enrollment_id": agent_enroll(token=raw, hostname=f"probe-{next(_serial)}").agent.pk}


@resource("/api/v1/orchestrator/workflows/{workflow_id}")
def orchestrated_workflow(tenant: Tenant) -> dict:
    from incidents.response.services.orchestrator import orchestrate

    workflow = orchestrate(
        organization=tenant.organization,
        actor=tenant.admin.user,
        goal=f"open a ticket for probe {next(_serial)}",
        execute=False,
    )
    return {"workflow_id": workflow.pk}


@resource("/api/v1/agents/{agent_name}/configure")
def pipeline_stage(tenant: Tenant):
    # The three stages exist in every organization: the name addresses the caller's own settings.
    return {"agent_name": "analyzer"}


UNPROBED.update(
    {
        "POST /api/v1/agents/{agent_name}/configure": (
            "agent_name is one of three stage names every organization has; the call configures the "
            "caller's own organization (test_pipeline checks another organization is untouched)"
        ),
    }
)
