"""The config flow: a vendor menu, then that vendor's own steps.

Each vendor contributes a flow class with its steps (``<vendor>/config_flow.py``); the
integration's flow inherits all of them.
"""

from __future__ import annotations

from .const import DOMAIN
from .derapi.config_flow import DerapiConfigFlow
from .electra.config_flow import ElectraConfigFlow
from .kiwigrid.config_flow import KiwigridConfigFlow


class HomeEnergyCloudConfigFlow(
    ElectraConfigFlow, KiwigridConfigFlow, DerapiConfigFlow, domain=DOMAIN
):
    """Set up one vendor account."""
