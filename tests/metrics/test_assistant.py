"""ai/chat and ai/enhance: the offline local provider, a remote provider through the fake server,
failures as AI_ERROR, and the AI change log."""

import json

import pytest

from ai.models import AIChangeLogEntry
from ai.services import configuration_activate, configuration_create, configuration_validate
from metrics.models import Metric
from tests.ai.fake_provider import GOOD_KEY

pytestmark = pytest.mark.django_db


def chat(client, **body):
    return client.post("/api/v1/ai/chat", body, format="json")


def test_local_metric_suggestion_is_honest_and_mapped(client_a, catalog_a):
    response = chat(
        client_a,
        mode="metrics",
        prompt="Create a metric for tracking patch compliance",
        context={"function": "PROTECT"},
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["response_type"] == "metric_suggestion"
    assert data["provider"] == {"code": "local", "model": "palisade-rules-1", "is_local": True}
    metric = data["content"]["metric"]
    assert metric["name"] == "Patch Compliance Rate"
    assert (metric["csf_function"], metric["csf_category"], metric["direction"]) == (
        "PROTECT",
        "PR.PS",
        "higher_is_better",
    )
    assert "not a language model" in data["content"]["explanation"]
    assert 0 < data["content"]["confidence"] <= 1
    entry = AIChangeLogEntry.objects.for_organization(catalog_a.organization).get()
    assert (entry.action, entry.mode, entry.provider_code) == ("metric_suggested", "metrics", "local")


def test_local_suggestion_is_deterministic(client_a, catalog_a):
    first = chat(client_a, mode="metrics", prompt="measure phishing clicks").json()["data"]["content"]
    second = chat(client_a, mode="metrics", prompt="measure phishing clicks").json()["data"]["content"]

    assert first == second
    assert first["metric"]["name"] == "Phishing Simulation Click Rate"


def test_local_composes_a_metric_when_no_template_fits(client_a, catalog_a):
    content = chat(
        client_a, mode="metrics", prompt="wireless network segmentation for guest visitors"
    ).json()["data"]["content"]

    assert content["metric"]["unit"] == "%"
    assert content["metric"]["csf_category"]
    assert content["confidence"] <= 0.95


def test_unrelated_prompt_is_a_validation_error(client_a, catalog_a):
    response = chat(client_a, mode="metrics", prompt="zzz qqq")

    assert response.status_code == 400


def test_create_adds_the_suggestion_to_the_active_catalog_and_logs_it(client_a, catalog_a):
    response = chat(
        client_a, mode="metrics", prompt="adversarial prompt injection testing of our models", create=True
    )

    created = response.json()["data"]["content"]["created_metric"]
    metric = Metric.objects.for_organization(catalog_a.organization).get(pk=created["id"])
    assert metric.source == "ai"
    assert metric.catalog_id == catalog_a.pk
    entry = AIChangeLogEntry.objects.for_organization(catalog_a.organization).get(action="metric_created")
    assert entry.result == {"metric_id": str(metric.pk), "metric_number": metric.metric_number}


def test_explain_a_metric_by_number(client_a, catalog_a):
    metric = Metric.objects.for_organization(catalog_a.organization).get(name="MFA Adoption Rate")
    client_a.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 85}, format="json")

    data = chat(client_a, mode="explain", prompt=f"Explain {metric.metric_number}").json()["data"]

    assert data["response_type"] == "explanation"
    assert data["content"]["subject"] == "metric"
    text = data["content"]["text"]
    assert metric.metric_number in text
    assert "PR.AA" in text
    assert "85.9" in text


def test_explain_a_category_and_nothing(client_a, catalog_a):
    category = chat(client_a, mode="explain", prompt="what does GOVERN 6 cover?").json()["data"]["content"]
    nothing = chat(client_a, mode="explain", prompt="hello")

    assert category["subject"] == "category"
    assert category["facts"]["category"]["code"] == "GOVERN 6"
    assert nothing.status_code == 400


def test_report_and_recommendations_from_catalog_facts(client_a, catalog_a):
    metric = Metric.objects.for_organization(catalog_a.organization).get(name="Patch Compliance Rate")
    client_a.patch(f"/api/v1/metrics/{metric.pk}", {"current_value": 40}, format="json")

    report = chat(client_a, mode="report").json()["data"]["content"]
    recs = chat(client_a, mode="recommendations").json()["data"]["content"]["recommendations"]

    assert report["report"]["below_target"] == 1
    assert "Patch Compliance Rate" in report["text"]
    assert recs[0]["kind"] == "close_gap"
    assert recs[0]["metric_id"] == str(metric.pk)
    assert any(r["kind"] == "measure" for r in recs)


def test_enhance_follows_the_seed_example(client_a, catalog_a):
    response = client_a.post(
        "/api/v1/ai/enhance",
        {
            "catalog_items": [{"name": "patch compliance", "description": "patches", "target_value": 100}],
            "enhancement_types": ["clarity", "targets", "priority"],
        },
        format="json",
    )

    data = response.json()["data"]
    enhancement = data["enhancements"][0]
    assert enhancement["suggested"]["name"] == "Patch Compliance Rate"
    assert enhancement["suggested"]["target_value"] == 95
    assert enhancement["suggested"]["priority"] == "High"
    assert sorted(enhancement["changes"]) == ["description", "name", "priority", "target_value"]
    assert data["summary"] == {"total": 1, "enhanced": 1, "changes": 4}
    assert (
        AIChangeLogEntry.objects.for_organization(catalog_a.organization)
        .filter(action="metrics_enhanced")
        .count()
        == 1
    )


def test_enhance_rejects_unknown_types(client_a, catalog_a):
    response = client_a.post(
        "/api/v1/ai/enhance",
        {"catalog_items": [{"name": "x"}], "enhancement_types": ["magic"]},
        format="json",
    )

    assert response.status_code == 400


def test_viewer_cannot_use_the_assistant(client_viewer_a, catalog_a):
    assert chat(client_viewer_a, mode="report").status_code == 403


def test_ai_endpoints_use_the_ai_rate_group(client_a, catalog_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "ai": "2/m"}

    statuses = [chat(client_a, mode="report").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_changelog_lists_and_filters(client_a, client_editor_a, editor_a, catalog_a):
    chat(client_a, mode="report")
    chat(client_editor_a, mode="metrics", prompt="phishing clicks")

    everything = client_a.get("/api/v1/ai/changelog").json()
    by_user = client_a.get("/api/v1/ai/changelog", {"user_id": str(editor_a.user.pk)}).json()["data"]
    by_action = client_a.get("/api/v1/ai/changelog", {"action": "metric_suggested"}).json()["data"]
    future = client_a.get("/api/v1/ai/changelog", {"start_date": "2999-01-01"}).json()["data"]
    today = client_a.get("/api/v1/ai/changelog", {"end_date": "2999-01-01T00:00:00Z"}).json()["data"]

    assert everything["meta"]["pagination"]["total"] == 2
    assert [e["mode"] for e in by_user] == ["metrics"]
    assert [e["action"] for e in by_action] == ["metric_suggested"]
    assert future == []
    assert len(today) == 2
    assert client_a.get("/api/v1/ai/changelog", {"start_date": "yesterday"}).status_code == 400


def test_changelog_of_another_organization_is_invisible(client_a, client_b, catalog_a, catalog_b):
    chat(client_a, mode="report")

    assert client_b.get("/api/v1/ai/changelog").json()["data"] == []


@pytest.fixture
def remote_anthropic(fake_provider, org_a, admin_a):
    configuration = configuration_create(
        organization=org_a,
        user=admin_a.user,
        provider_code="anthropic",
        credentials={"api_key": GOOD_KEY},
        model_id="claude-opus-4-5-20251101",
    )
    configuration_validate(configuration=configuration, user=admin_a.user)
    configuration_activate(configuration=configuration, user=admin_a.user)
    return fake_provider


def test_remote_provider_answers_through_its_client(client_a, catalog_a, remote_anthropic):
    remote_anthropic.reply = "Here you go:\n" + json.dumps(
        {
            "metric": {
                "name": "Patch Latency",
                "description": "Median days to patch critical CVEs",
                "target_value": 7,
                "unit": "days",
                "direction": "lower_is_better",
                "framework": "csf-2.0",
                "csf_function": "PROTECT",
                "csf_category": "PR.PS",
                "priority": "High",
            },
            "explanation": "Latency shows speed, not just coverage.",
            "confidence": 0.8,
        }
    )

    data = chat(client_a, mode="metrics", prompt="patch speed").json()["data"]

    assert data["provider"]["code"] == "anthropic"
    assert data["provider"]["is_local"] is False
    assert data["content"]["metric"]["name"] == "Patch Latency"
    assert data["content"]["metric"]["subcategory"] is None
    sent = remote_anthropic.requests[-1]
    assert sent["path"] == "/v1/messages"
    assert "patch speed" in sent["json"]["messages"][0]["content"]
    assert "PR.PS" in sent["json"]["messages"][0]["content"]  # the categories it may use


def test_remote_answer_with_an_invented_category_is_an_ai_error(client_a, catalog_a, remote_anthropic):
    remote_anthropic.reply = json.dumps({"metric": {"name": "X", "target_value": 1, "csf_category": "PR.XX"}})

    response = chat(client_a, mode="metrics", prompt="patch speed")

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "AI_ERROR"


def test_remote_narrates_report_facts(client_a, catalog_a, remote_anthropic):
    remote_anthropic.reply = "Posture is unmeasured; start with High priority metrics."

    content = chat(client_a, mode="report").json()["data"]["content"]

    assert content["text"] == "Posture is unmeasured; start with High priority metrics."
    assert content["report"]["unmeasured"] == Metric.objects.for_organization(catalog_a.organization).count()


def test_provider_failure_is_ai_error_with_a_safe_message(client_a, catalog_a, remote_anthropic):
    remote_anthropic.status = 500
    remote_anthropic.error = {
        "type": "error",
        "error": {"type": "api_error", "message": f"boom for key {GOOD_KEY}\x00\x1b[31m"},
    }

    response = chat(client_a, mode="metrics", prompt="patch compliance")

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "AI_ERROR"
    assert "500" in error["message"]
    assert "boom" in error["message"]
    assert GOOD_KEY not in json.dumps(response.json())
    assert "\x1b" not in error["message"]
    failed = AIChangeLogEntry.objects.for_organization(catalog_a.organization).get(action="provider_failed")
    assert GOOD_KEY not in json.dumps(failed.result)
