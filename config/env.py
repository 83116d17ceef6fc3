"""The one place the environment is read.

Every setting that varies between the embedded default (`make run`) and a scaled
deployment is read here, with a default that makes the embedded default work with
no variables at all.
"""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

PALISADE_ENV = env.str("PALISADE_ENV", default="development")
IS_PRODUCTION = PALISADE_ENV == "production"


def secret_key() -> str:
    """SECRET_KEY from the environment; generated once into var/ for the embedded default."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    if IS_PRODUCTION:
        raise environ.ImproperlyConfigured("SECRET_KEY must be set when PALISADE_ENV=production.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()
