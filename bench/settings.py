"""The embedded default plus a bare view to measure against.

Rate limits are still counted on every request but never hit, and the plan resolver is off
(it would hand out the plan's per-second burst, turning the load into 429s). Passwords use the
production hashers, so the login row measures real Argon2 work.
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES, RATE_LIMITS

ROOT_URLCONF = "bench.urls"
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000000/m")
RATE_LIMIT_RESOLVER = ""
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Several worker processes share one SQLite file: WAL lets readers run beside the writer, and
# IMMEDIATE transactions plus a timeout make writers queue instead of failing with "locked".
DATABASES["default"]["OPTIONS"] = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
