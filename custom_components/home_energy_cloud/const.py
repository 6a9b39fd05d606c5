"""Constants shared by every vendor."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "home_energy_cloud"
LOGGER = logging.getLogger(__package__)

# entry.data keys common to every vendor
CONF_VENDOR: Final = "vendor"
CONF_BASE_URL: Final = "base_url"
# The config-flow section holding a vendor's endpoints
CONF_ADVANCED: Final = "advanced"
