"""The benchmark rows build requests the API accepts (make bench asserts every row succeeds)."""

import json

import pytest
from django.test import Client

from accounts.tokens import tokens_for
from bench.context import Context
from bench.rows_ingest import _ingest_key, corpus, detect, ingest_multi

pytestmark = pytest.mark.django_db


def test_ingest_and_detect_rows_succeed(org_a, admin_a):
    _ingest_key.cache_clear()
    ctx = Context(
        access_token=tokens_for(user=admin_a.user, membership=admin_a)["access_token"],
        admin_email=admin_a.user.email,
        organization_id=str(org_a.pk),
    )
    client = Client()
    for build, status in ((ingest_multi, 202), (detect, 200)):
        request = build(ctx)
        headers = {
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in request.headers.items()
            if k != "Content-Type"
        }
        response = client.generic(
            request.method, request.path, request.body, content_type="application/json", **headers
        )
        assert response.status_code == status, response.content[:300]
    assert json.loads(ingest_multi(ctx).body)["events"][0]["source_type"] in ("sshd", "web")
    _ingest_key.cache_clear()


def test_the_corpus_is_deterministic_and_mixed():
    lines = corpus(1000)
    assert lines == corpus(1000)
    assert {source for source, _ in lines} == {"sshd", "web"}
