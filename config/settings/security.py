from csp.constants import NONE, SELF, UNSAFE_INLINE

from config.env import IS_PRODUCTION, env
from config.settings.base import MIDDLEWARE as _BASE_MIDDLEWARE

# Production hardening: on by default in production, each switchable for a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=IS_PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# Content-Security-Policy (django-csp) on every response. Everything Palisade serves comes from
# its own origin: the dashboard, the admin, and Swagger UI from drf-spectacular-sidecar (its init
# script is a separate file, see config/urls.py). Inline styles stay allowed because Swagger UI
# sets them from JavaScript and the dashboard has one <style> block; inline scripts do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The CSP middleware belongs to this concern, so it is placed here: right after Django's
# SecurityMiddleware, so even early answers (SSL redirects aside) carry the header.
MIDDLEWARE = [
    entry
    for name in _BASE_MIDDLEWARE
    for entry in (
        (name, "csp.middleware.CSPMiddleware")
        if name == "django.middleware.security.SecurityMiddleware"
        else (name,)
    )
]
