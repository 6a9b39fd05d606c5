"""SEW utility constants."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from ..api.sew.planner import HISTORY_DAYS as CLIENT_HISTORY_DAYS

VENDOR_KEY: Final = "sew"

CONF_UTILITY: Final = "utility"
CONF_FLAVOR: Final = "flavor"
CONF_ENCRYPTED: Final = "encrypted"
CONF_TRUSTED_DEVICE_ID: Final = "trusted_device_id"
CONF_ACCOUNT: Final = "account_number"
CONF_METERS: Final = "meters"
CONF_CODE: Final = "code"

# Utility data lags a day or more (notes §7): a refresh every few hours sees each batch soon
# enough without asking the utility for what cannot have changed.
UPDATE_INTERVAL: Final = timedelta(hours=4)

HISTORY_DAYS: Final = CLIENT_HISTORY_DAYS
"""The first import's reach (two years; less where the meter's data starts later)."""
REQUEST_PACE: Final = 0.25
"""Seconds between the starts of two usage requests (dnlbck's pace, notes §5)."""
IMPORT_CONCURRENCY: Final = 4

# Secrets and personal data: never in logs, diagnostics or attributes.
REDACT_KEYS: Final = frozenset(
    {
        "username",
        "password",
        CONF_TRUSTED_DEVICE_ID,
        "token",
        CONF_ACCOUNT,
        "utility_account_number",
        "meter_number",
        CONF_METERS,
        "address",
        "unique_id",
        "statistic_ids",
        "title",
        "identifiers",
        "invoice_number",
    }
)
