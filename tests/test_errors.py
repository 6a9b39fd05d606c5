"""The one error path: which translated message each kind of client error gets."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.exceptions import (
    ApiAuthError,
    ApiConnectionError,
    ApiError,
    ApiProtocolError,
    ApiTimeoutError,
)
from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.errors import action_error, api_error_translation


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (ApiAuthError("refused"), "auth_failed"),
        (ApiTimeoutError("slow"), "cloud_timeout"),
        (ApiProtocolError("garbled"), "cloud_bad_reply"),
        (ApiConnectionError("down"), "cloud_unavailable"),
    ],
)
def test_each_kind_of_error_has_its_message(error: ApiError, key: str) -> None:
    translation = api_error_translation(error)
    assert translation["translation_domain"] == DOMAIN
    assert translation["translation_key"] == key
    assert translation["translation_placeholders"] == {"error": str(error)}


async def test_only_an_auth_error_of_an_action_asks_for_reauth(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data={"vendor": "electra", "phone": "0501234567"})
    entry.add_to_hass(hass)
    assert action_error(hass, entry, ApiConnectionError("down")).translation_key == (
        "cloud_unavailable"
    )
    await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert action_error(hass, entry, ApiAuthError("refused")).translation_key == "auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
