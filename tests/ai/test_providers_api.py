"""ai-providers: the registry, per-user configurations with encrypted credentials, real client
round trips against the fake server, activation and status."""

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import connection

from ai.clients.cloud import sigv4_sign
from ai.models import AIChangeLogEntry, ProviderConfiguration
from tests.ai.fake_provider import GOOD_KEY, GOOD_OPENAI_KEY
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ANTHROPIC = {
    "provider_code": "anthropic",
    "credentials": {"api_key": GOOD_KEY},
    "model_id": "claude-opus-4-5-20251101",
}


def create(client, body=ANTHROPIC):
    return client.post("/api/v1/ai-providers/configurations", body, format="json")


def test_registry_lists_seed_providers_and_local(client_a):
    providers = {p["code"]: p for p in client_a.get("/api/v1/ai-providers").json()["data"]["providers"]}

    assert set(providers) == {"local", "anthropic", "openai", "together", "azure", "bedrock", "vertex"}
    assert providers["anthropic"]["auth_fields"][0]["name"] == "api_key"
    assert providers["anthropic"]["default_model"] == "claude-opus-4-5-20251101"
    sonnet = next(
        m for m in providers["anthropic"]["models"] if m["model_id"] == "claude-sonnet-4-5-20250929"
    )
    assert sonnet["deprecated_on"] == "2026-11-30"
    assert providers["local"]["auth_fields"] == []
    assert providers["local"]["is_local"] is True
    assert {f["name"] for f in providers["bedrock"]["auth_fields"]} >= {
        "aws_access_key_id",
        "aws_secret_access_key",
        "region",
    }


def test_provider_detail_and_models(client_a):
    assert client_a.get("/api/v1/ai-providers/openai").json()["data"]["name"] == "OpenAI"
    models = client_a.get("/api/v1/ai-providers/anthropic/models").json()["data"]["models"]
    assert "claude-opus-4-5-20251101" in [m["model_id"] for m in models]
    assert client_a.get("/api/v1/ai-providers/nope").status_code == 404


def test_status_defaults_to_the_local_provider(client_a):
    data = client_a.get("/api/v1/ai-providers/status").json()["data"]

    assert (data["provider"], data["dev_mode"], data["is_local"], data["available"]) == (
        "local",
        True,
        True,
        True,
    )
    assert "not a language model" in data["message"]


def test_credentials_are_encrypted_at_rest_and_never_returned(client_a, org_a):
    response = create(client_a)

    assert response.status_code == 201
    body = json.dumps(response.json())
    assert GOOD_KEY not in body
    assert response.json()["data"]["credentials_hint"] == "sk-a…cdef"
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_credentials FROM ai_providerconfiguration")
        (raw,) = cursor.fetchone()
    assert GOOD_KEY not in raw
    assert "GOODKEY" not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
    listed = json.dumps(client_a.get("/api/v1/ai-providers/configurations").json())
    assert GOOD_KEY not in listed


def test_bad_configuration_input_is_rejected_and_nothing_stored(client_a):
    cases = [
        {"provider_code": "nope", "credentials": {"api_key": "x"}},
        {"provider_code": "local", "credentials": {}},
        {"provider_code": "anthropic", "credentials": {}},
        {"provider_code": "anthropic", "credentials": {"api_key": "x", "extra": "y"}},
        {"provider_code": "anthropic", "credentials": {"api_key": "x"}, "model_id": "gpt-5"},
        {
            "provider_code": "azure",
            "credentials": {"api_key": "x", "endpoint": "http://169.254.169.254/latest"},
        },
        {
            "provider_code": "bedrock",
            "credentials": {
                "aws_access_key_id": "A",
                "aws_secret_access_key": "B",
                "region": "evil.example/",
            },
        },
        {"provider_code": "vertex", "credentials": {"service_account_json": "{}", "region": "us-east5"}},
    ]
    for body in cases:
        response = create(client_a, body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert not ProviderConfiguration.objects.unscoped().exists()


def test_validate_round_trip_with_the_anthropic_client(client_a, fake_provider):
    config = create(client_a).json()["data"]

    response = client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["valid"] is True
    assert "Credentials validated successfully" in data["message"]
    request = fake_provider.requests[-1]
    assert request["path"] == "/v1/models/claude-opus-4-5-20251101"
    sent = {k.lower(): v for k, v in request["headers"].items()}
    assert GOOD_KEY in (sent.get("x-api-key"), sent.get("authorization", "").removeprefix("Bearer "))
    assert request["headers"]["User-Agent"].startswith("Anthropic/Python")
    listed = client_a.get("/api/v1/ai-providers/configurations").json()["data"][0]
    assert listed["credentials_validated"] is True
    assert listed["last_validated_at"]


def test_rejected_key_is_an_answer_not_an_error(client_a, fake_provider):
    config = create(
        client_a, {**ANTHROPIC, "credentials": {"api_key": "sk-ant-api03-WRONG-key-123456"}}
    ).json()["data"]

    data = client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate").json()["data"]

    assert data["valid"] is False
    assert "401" in data["message"]
    assert "WRONG" not in data["message"]  # the fake echoes the key back; it is redacted
    assert client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/activate").status_code == 400


def test_unreachable_provider_is_ai_error(client_a, settings):
    settings.AI_PROVIDER_BASE_URLS = {**settings.AI_PROVIDER_BASE_URLS, "anthropic": "http://127.0.0.1:9"}
    settings.AI_PROVIDER_MAX_RETRIES = 0
    config = create(client_a).json()["data"]

    response = client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate")

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "AI_ERROR"
    assert "Could not reach anthropic" in response.json()["error"]["message"]


def test_openai_together_and_azure_round_trips(client_a, fake_provider):
    openai = create(
        client_a,
        {"provider_code": "openai", "credentials": {"api_key": GOOD_OPENAI_KEY}, "model_id": "gpt-5-mini"},
    ).json()["data"]
    together = create(
        client_a, {"provider_code": "together", "credentials": {"api_key": GOOD_OPENAI_KEY}}
    ).json()["data"]
    azure = create(
        client_a,
        {
            "provider_code": "azure",
            "credentials": {"api_key": GOOD_OPENAI_KEY, "endpoint": fake_provider.url},
            "model_id": "my-gpt5-deployment",
        },
    ).json()["data"]

    results = [
        client_a.post(f"/api/v1/ai-providers/configurations/{c['id']}/validate").json()["data"]["valid"]
        for c in (openai, together, azure)
    ]

    assert results == [True, True, True]
    paths = [r["path"] for r in fake_provider.requests]
    assert "/v1/models/gpt-5-mini" in paths
    assert "/v1/models/meta-llama%2FLlama-4-Maverick-17B-128E-Instruct-FP8" in paths
    azure_request = fake_provider.requests[-1]
    assert azure_request["path"].startswith(
        "/openai/deployments/my-gpt5-deployment/chat/completions?api-version="
    )
    assert azure_request["json"]["max_completion_tokens"] == 16


def test_sigv4_matches_aws_published_example():
    # AWS Signature Version 4 test suite, "get-vanilla".
    headers = sigv4_sign(
        method="GET",
        url="https://example.amazonaws.com/",
        headers={},
        body=b"",
        region="us-east-1",
        service="service",
        access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        now=datetime(2015, 8, 30, 12, 36, tzinfo=UTC),
    )

    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_bedrock_round_trip_is_signed(client_a, fake_provider):
    secret = "bedrock-secret-key-0123456789"

    def verify(method, url, headers, body):
        resigned = sigv4_sign(
            method=method,
            url=url,
            headers={"Content-Type": headers["content-type"], "Accept": headers["accept"]},
            body=body,
            region="us-east-1",
            service="bedrock",
            access_key="AKIAFAKEFAKEFAKE1234",
            secret_key=secret,
            now=datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC),
        )
        return resigned["Authorization"] == headers["authorization"]

    fake_provider.bedrock_verifier = verify
    config = create(
        client_a,
        {
            "provider_code": "bedrock",
            "credentials": {
                "aws_access_key_id": "AKIAFAKEFAKEFAKE1234",
                "aws_secret_access_key": secret,
                "region": "us-east-1",
            },
        },
    ).json()["data"]

    data = client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate").json()["data"]

    assert data["valid"] is True
    request = fake_provider.requests[-1]
    assert request["path"] == "/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse"
    assert request["json"]["messages"][0]["content"][0]["text"] == "ping"
    assert config["credentials_hint"] == "AKIA…1234"


def test_bedrock_wrong_secret_is_rejected(client_a, fake_provider):
    fake_provider.bedrock_verifier = lambda *args: False
    config = create(
        client_a,
        {
            "provider_code": "bedrock",
            "credentials": {
                "aws_access_key_id": "AKIAFAKEFAKEFAKE1234",
                "aws_secret_access_key": "wrong",
                "region": "us-east-1",
            },
        },
    ).json()["data"]

    data = client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate").json()["data"]

    assert data["valid"] is False
    assert "signature" in data["message"]


def test_vertex_round_trip_mints_a_token_from_the_service_account(client_a, fake_provider):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    fake_provider.vertex_public_key = key.public_key()
    account = {
        "type": "service_account",
        "client_email": "palisade@proj.iam.gserviceaccount.com",
        "private_key": pem,
        "project_id": "proj",
    }
    config = create(
        client_a,
        {
            "provider_code": "vertex",
            "credentials": {"service_account_json": json.dumps(account), "region": "us-east5"},
        },
    ).json()["data"]

    data = client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate").json()["data"]

    assert data["valid"] is True
    token_request, model_request = fake_provider.requests[-2:]
    assert token_request["claims"]["iss"] == "palisade@proj.iam.gserviceaccount.com"
    assert (
        model_request["path"]
        == "/v1/projects/proj/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent"
    )
    assert "BEGIN PRIVATE KEY" not in json.dumps(client_a.get("/api/v1/ai-providers/configurations").json())


def test_activate_switches_status_and_deactivate_returns_to_local(client_a, fake_provider):
    first = create(client_a).json()["data"]
    second = create(client_a, {**ANTHROPIC, "model_id": "claude-haiku-4-5-20251001"}).json()["data"]
    for config in (first, second):
        client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate")

    activated = client_a.post(f"/api/v1/ai-providers/configurations/{first['id']}/activate").json()["data"]
    client_a.post(f"/api/v1/ai-providers/configurations/{second['id']}/activate")
    status = client_a.get("/api/v1/ai-providers/status").json()["data"]

    assert activated == {
        "message": "Configuration activated",
        "config_id": first["id"],
        "provider": "anthropic",
        "model": "claude-opus-4-5-20251101",
    }
    assert (status["provider"], status["model"], status["dev_mode"]) == (
        "anthropic",
        "claude-haiku-4-5-20251001",
        False,
    )
    assert ProviderConfiguration.objects.unscoped().filter(is_active=True).count() == 1

    deactivated = client_a.post(f"/api/v1/ai-providers/configurations/{second['id']}/deactivate").json()[
        "data"
    ]
    assert deactivated == {"message": "Configuration deactivated", "config_id": second["id"]}
    assert client_a.get("/api/v1/ai-providers/status").json()["data"]["provider"] == "local"
    actions = set(AIChangeLogEntry.objects.unscoped().values_list("action", flat=True))
    assert {
        "provider_configured",
        "provider_validated",
        "provider_activated",
        "provider_deactivated",
    } <= actions


def test_updating_credentials_requires_validation_again(client_a, fake_provider):
    config = create(client_a).json()["data"]
    client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/validate")
    client_a.post(f"/api/v1/ai-providers/configurations/{config['id']}/activate")

    updated = client_a.put(
        f"/api/v1/ai-providers/configurations/{config['id']}",
        {
            "model_id": "claude-haiku-4-5-20251001",
            "credentials": {"api_key": "sk-ant-api03-NEWKEY-abcdef123456"},
        },
        format="json",
    ).json()["data"]

    assert (updated["model_id"], updated["credentials_validated"], updated["is_active"]) == (
        "claude-haiku-4-5-20251001",
        False,
        False,
    )
    assert updated["credentials_hint"] == "sk-a…3456"


def test_delete_configuration(client_a):
    config = create(client_a).json()["data"]

    assert client_a.delete(f"/api/v1/ai-providers/configurations/{config['id']}").status_code == 204
    assert not ProviderConfiguration.objects.unscoped().exists()


def test_another_users_or_organizations_configuration_is_404(client_a, client_b, org_a):
    config = create(client_a).json()["data"]
    colleague = client_for(MembershipFactory(organization=org_a, role="editor"))
    url = f"/api/v1/ai-providers/configurations/{config['id']}"

    for client in (client_b, colleague):
        assert client.put(url, {"model_id": "claude-haiku-4-5-20251001"}, format="json").status_code == 404
        assert client.post(f"{url}/validate").status_code == 404
        assert client.delete(url).status_code == 404
        assert client.get("/api/v1/ai-providers/configurations").json()["data"] == []


def test_admin_may_list_a_members_configurations_others_may_not(client_a, org_a, viewer_a):
    editor = MembershipFactory(organization=org_a, role="editor")
    create(client_for(editor))

    assert (
        len(
            client_a.get("/api/v1/ai-providers/configurations", {"user_id": str(editor.user.pk)}).json()[
                "data"
            ]
        )
        == 1
    )
    assert (
        client_for(viewer_a)
        .get("/api/v1/ai-providers/configurations", {"user_id": str(editor.user.pk)})
        .status_code
        == 403
    )


def test_viewer_cannot_configure_providers(viewer_a):
    assert create(client_for(viewer_a)).status_code == 403


def test_admin_never_shows_credentials():
    from django.contrib import admin

    from ai.models import ProviderConfiguration as Model

    model_admin = admin.site._registry[Model]
    assert "encrypted_credentials" not in model_admin.fields
    assert "encrypted_credentials" not in model_admin.list_display
