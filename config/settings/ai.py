"""AI providers (bring your own model), the security-metrics assistant, CSV import and demo mode."""

import base64
import hashlib

import environ

from config.env import IS_PRODUCTION, env, secret_key


def _credentials_keys() -> list[str]:
    """Fernet keys for provider credentials at rest: the first encrypts, all of them decrypt.

    Set AI_CREDENTIALS_KEY to one or more comma-separated Fernet keys (newest first) to rotate.
    The embedded default derives a key from SECRET_KEY, so it works with no configuration; in
    production the key must be explicit, because rotating SECRET_KEY would otherwise make every
    stored credential unreadable.
    """
    keys = env.list("AI_CREDENTIALS_KEY", default=[])
    if keys:
        return keys
    if IS_PRODUCTION:
        raise environ.ImproperlyConfigured("AI_CREDENTIALS_KEY must be set when PALISADE_ENV=production.")
    digest = hashlib.sha256(b"palisade:ai-credentials:" + secret_key().encode()).digest()
    return [base64.urlsafe_b64encode(digest).decode()]


AI_CREDENTIALS_KEYS = _credentials_keys()

# Where each provider's client connects. Empty means the client library's own default (the
# provider's public API). Tests point these at a local fake server; an enterprise may point them
# at an egress proxy or gateway that speaks the same API.
AI_PROVIDER_BASE_URLS = {
    "anthropic": env.str("AI_ANTHROPIC_BASE_URL", default=""),
    "openai": env.str("AI_OPENAI_BASE_URL", default=""),
    "together": env.str("AI_TOGETHER_BASE_URL", default="https://api.together.xyz/v1"),
    # Bedrock and Vertex are regional: `{region}` is replaced by the configuration's region.
    "bedrock": env.str("AI_BEDROCK_BASE_URL", default="https://bedrock-runtime.{region}.amazonaws.com"),
    "vertex": env.str("AI_VERTEX_BASE_URL", default="https://{region}-aiplatform.googleapis.com/v1"),
}
# Google's OAuth token endpoint, used to turn a Vertex service-account key into an access token.
# A service-account file's own `token_uri` is ignored: it would let a user aim the server anywhere.
AI_VERTEX_TOKEN_URL = env.str("AI_VERTEX_TOKEN_URL", default="https://oauth2.googleapis.com/token")
# Azure OpenAI endpoints are user-supplied, so only these host suffixes are accepted (no SSRF).
AI_AZURE_ENDPOINT_SUFFIXES = env.list(
    "AI_AZURE_ENDPOINT_SUFFIXES", default=[".openai.azure.com", ".cognitiveservices.azure.com"]
)
AI_AZURE_ALLOW_HTTP = env.bool("AI_AZURE_ALLOW_HTTP", default=False)  # only for a local test double
AI_PROVIDER_TIMEOUT = env.float("AI_PROVIDER_TIMEOUT", default=30.0)
AI_PROVIDER_MAX_RETRIES = env.int("AI_PROVIDER_MAX_RETRIES", default=1)
AI_MAX_OUTPUT_TOKENS = env.int("AI_MAX_OUTPUT_TOKENS", default=2048)

# Scores: the trend compares the score now with the score `window` days ago; a change smaller
# than the threshold (in score points) is "stable".
METRICS_TREND_WINDOW_DAYS = env.int("METRICS_TREND_WINDOW_DAYS", default=30)
METRICS_TREND_THRESHOLD = env.float("METRICS_TREND_THRESHOLD", default=2.0)
METRICS_HISTORY_LIMIT = env.int("METRICS_HISTORY_LIMIT", default=100)
# CSV import: largest file and most rows accepted in one upload.
METRICS_IMPORT_MAX_BYTES = env.int("METRICS_IMPORT_MAX_BYTES", default=1024 * 1024)
METRICS_IMPORT_MAX_ROWS = env.int("METRICS_IMPORT_MAX_ROWS", default=5000)

# Demo mode: an unstarted session lapses after DEMO_SESSION_START_HOURS; a started one runs
# DEMO_SESSION_HOURS; each framework allows DEMO_AI_METRICS_PER_FRAMEWORK AI-created metrics.
DEMO_SESSION_HOURS = env.int("DEMO_SESSION_HOURS", default=24)
DEMO_SESSION_START_HOURS = env.int("DEMO_SESSION_START_HOURS", default=24)
DEMO_AI_METRICS_PER_FRAMEWORK = env.int("DEMO_AI_METRICS_PER_FRAMEWORK", default=2)
