"""Sign-in protection (django-axes), invitations and self-service recovery."""

from datetime import timedelta

from config.env import env

# django-axes checks every authenticate() call: 5 failures for one account, or from one IP,
# within the cool-off window lock further attempts out for the window (429 from the API).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks: per account OR per IP
AXES_CLIENT_IP_CALLABLE = "config.api.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_USE_ATTEMPT_EXPIRATION = True  # failures older than the window stop counting
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

INVITE_TTL = timedelta(days=env.int("INVITE_TTL_DAYS", default=7))
# Where invitation links point (the dashboard's registration page).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Failed recovery attempts per email before recovery is locked for the login cool-off window.
RECOVERY_FAILURE_LIMIT = env.int("RECOVERY_FAILURE_LIMIT", default=5)
