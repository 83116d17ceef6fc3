from config.env import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.OrganizationJWTAuthentication",
        "organizations.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["config.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.ratelimit.RateGroupThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "PAGE_SIZE": 25,
}

# Rate groups (DESIGN.md): requests per window, keyed per user (or per IP when anonymous).
# `ingest` and `burst` (requests per second, on top of the view's group) are per organization;
# RATE_LIMIT_RESOLVER (a dotted path to `(request, group) -> rate | None`) gives them the
# figures of the organization's plan.
RATE_LIMITS = {
    "standard": env.str("RATE_LIMIT_STANDARD", default="100/m"),
    "ai": env.str("RATE_LIMIT_AI", default="20/m"),
    "export": env.str("RATE_LIMIT_EXPORT", default="10/m"),
    "demo": env.str("RATE_LIMIT_DEMO", default="30/m"),
    "ingest": env.str("RATE_LIMIT_INGEST", default="10000/m"),
    # Unauthenticated identity endpoints (login, register, recovery): per client IP.
    "auth": env.str("RATE_LIMIT_AUTH", default="30/m"),
    # Requests per second per organization, on top of the view's group; follows the plan.
    "burst": env.str("RATE_LIMIT_BURST", default="10/s"),
}
RATE_LIMIT_RESOLVER = env.str("RATE_LIMIT_RESOLVER", default="billing.ratelimit.plan_rate")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# Behind a proxy, set to the number of trusted proxies in front of Palisade so the client IP
# is taken from X-Forwarded-For; 0 uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

SPECTACULAR_SETTINGS = {
    "TITLE": "Palisade API",
    "DESCRIPTION": (
        "Multi-tenant security platform: security metrics (NIST CSF 2.0, AI RMF), XDR/SOC, "
        "engineering-productivity metrics, threat-detection copilot and AI-security scanning. "
        "Every response is an envelope: `{data, meta}` on success, `{error, meta}` on failure."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.envelope_postprocessing_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "organizations.models.Role.choices",
        "RoleInputEnum": "accounts.serializers.ROLE_INPUT_CHOICES",
        "InviteStatusEnum": "accounts.serializers.INVITE_STATUS_CHOICES",
        "TeamRoleEnum": "organizations.models.TeamRole.choices",
        "SubscriptionStatusEnum": "billing.models.SubscriptionStatus.choices",
    },
}
