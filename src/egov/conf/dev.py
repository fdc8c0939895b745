"""Local development: debug pages and readable logs unless the environment says otherwise."""

from egov.conf.base import *  # noqa: F403
from egov.conf.env import config

DEBUG = config("DEBUG", True, description="Show debug pages. Never on in production.")
