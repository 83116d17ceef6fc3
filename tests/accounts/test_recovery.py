"""Self-service recovery of the installation's first user: questions and the one-time key."""

import pytest
from rest_framework.test import APIClient

from organizations.models import AuditAction, AuditEvent
from tests.accounts.conftest import STRONG, bearer, login, register

pytestmark = pytest.mark.django_db
NEW = "Marmalade-Observatory-77"


@pytest.fixture
def first_user(db):
    response = register(
        security_question_1="What was the name of your first pet?",
        security_answer_1="Fluffy",
        security_question_2="In what city were you born?",
        security_answer_2="New York",
    )
    return response.json()["data"]


def recover_with_key(key, password=NEW, email="ada@example.com"):
    body = {"email": email, "recovery_key": key, "new_password": password}
    return APIClient().post("/api/v1/auth/recover-with-key", body, format="json")


def recover_with_questions(a1, a2, password=NEW, email="ada@example.com"):
    body = {"email": email, "answer_1": a1, "answer_2": a2, "new_password": password}
    return APIClient().post("/api/v1/auth/recover-with-questions", body, format="json")


def test_questions_of_the_account(first_user, api_client):
    data = api_client.get("/api/v1/auth/recovery-questions/ada@example.com").json()["data"]
    assert data == {
        "question_1": "What was the name of your first pet?",
        "question_2": "In what city were you born?",
    }


def test_unknown_email_gets_a_stable_decoy_pair(db, api_client):
    first = api_client.get("/api/v1/auth/recovery-questions/nobody@example.com").json()["data"]
    second = api_client.get("/api/v1/auth/recovery-questions/nobody@example.com").json()["data"]
    assert first == second
    assert set(first) == {"question_1", "question_2"}
    assert first["question_1"] != first["question_2"]


def test_key_sets_the_password_and_is_spent(first_user):
    old_session = first_user
    response = recover_with_key(first_user["recovery_key"].lower())  # typed in lower case still works
    assert response.status_code == 200, response.json()
    new_key = response.json()["data"]["recovery_key"]
    assert new_key != first_user["recovery_key"]
    assert login("ada@example.com", NEW).status_code == 200
    assert bearer(old_session["refresh_token"]).post("/api/v1/auth/refresh").status_code == 401
    assert recover_with_key(first_user["recovery_key"], "Another-Strong-Secret-9").status_code == 400
    assert recover_with_key(new_key, "Another-Strong-Secret-9").status_code == 200


def test_wrong_key_changes_nothing_and_is_audited(first_user):
    response = recover_with_key("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert login("ada@example.com", STRONG).status_code == 200
    assert AuditEvent.objects.unscoped().filter(action=AuditAction.RECOVERY_FAILED).count() == 1


def test_weak_new_password_does_not_spend_the_key(first_user):
    assert recover_with_key(first_user["recovery_key"], "123456789012").status_code == 400
    assert recover_with_key(first_user["recovery_key"]).status_code == 200


def test_questions_match_regardless_of_case_and_spacing(first_user):
    response = recover_with_questions("  fluffy ", "new   york")
    assert response.status_code == 200, response.json()
    assert login("ada@example.com", NEW).status_code == 200
    assert bearer(first_user["refresh_token"]).post("/api/v1/auth/refresh").status_code == 401


def test_one_wrong_answer_fails(first_user):
    assert recover_with_questions("Fluffy", "Boston").status_code == 400
    assert login("ada@example.com", STRONG).status_code == 200


def test_unknown_email_fails_like_a_wrong_answer(first_user):
    response = recover_with_questions("Fluffy", "New York", email="nobody@example.com")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == recover_with_questions("x", "y").json()["error"]["message"]


def test_repeated_failures_lock_recovery(first_user):
    for _ in range(5):
        assert recover_with_questions("wrong", "wrong").status_code == 400
    response = recover_with_questions("Fluffy", "New York")
    assert response.status_code == 429
    assert login("ada@example.com", STRONG).status_code == 200


def test_recovery_is_rate_limited_per_ip(first_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "auth": "3/m"}
    codes = [APIClient().get("/api/v1/auth/recovery-questions/x@example.com").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
