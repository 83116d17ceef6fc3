"""Settings: one base module plus one small module per integration."""

from config.settings.ai import *  # noqa: F403
from config.settings.api import *  # noqa: F403
from config.settings.auth import *  # noqa: F403
from config.settings.base import *  # noqa: F403
from config.settings.celery import *  # noqa: F403
from config.settings.channels import *  # noqa: F403
from config.settings.incidents import *  # noqa: F403
from config.settings.jwt import *  # noqa: F403
from config.settings.ml import *  # noqa: F403
from config.settings.onboarding import *  # noqa: F403
from config.settings.productivity import *  # noqa: F403
from config.settings.realtime import *  # noqa: F403
from config.settings.response import *  # noqa: F403
from config.settings.scans import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.stripe import *  # noqa: F403
