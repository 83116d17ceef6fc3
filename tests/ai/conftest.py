import pytest

from tests.ai.fake_provider import FakeProvider


@pytest.fixture
def fake_provider(settings):
    """The fake provider server, with every client pointed at it (no test reaches the internet)."""
    server = FakeProvider()
    settings.AI_PROVIDER_BASE_URLS = {
        "anthropic": server.url,
        "openai": f"{server.url}/v1",
        "together": f"{server.url}/v1",
        "bedrock": server.url,
        "vertex": f"{server.url}/v1",
    }
    settings.AI_VERTEX_TOKEN_URL = f"{server.url}/token"
    settings.AI_AZURE_ENDPOINT_SUFFIXES = ["127.0.0.1"]
    settings.AI_AZURE_ALLOW_HTTP = True
    settings.AI_PROVIDER_MAX_RETRIES = 0
    settings.AI_PROVIDER_TIMEOUT = 5.0
    yield server
    server.close()
