"""The embedded default plus a bare view to measure against; rate limits are still counted, never hit."""

from config.settings import *  # noqa: F403
from config.settings import RATE_LIMITS

ROOT_URLCONF = "bench.urls"
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000000/m")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
