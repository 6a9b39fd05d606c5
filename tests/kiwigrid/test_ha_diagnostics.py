"""Kiwigrid diagnostics: the site as read; credentials, tokens, cookies, serials redacted."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.home_energy_cloud.const import DOMAIN
from simulator.kiwigrid import PASSWORD, USERNAME, KiwigridCloud
from simulator.kiwigrid.auth import USER_ID


def secrets_of(entry: MockConfigEntry, kiwigrid: KiwigridCloud) -> list[str]:
    """Everything that must not appear: credentials, token, cookies, serials, user id."""
    client = entry.runtime_data.client
    context = client._context  # type: ignore[union-attr]
    assert context is not None
    cookies = [
        value
        for per_origin in client._http._cookies.values()  # type: ignore[union-attr]
        for value in per_origin.values()
        if len(value) >= 8  # session ids, not a language cookie such as "de"
    ]
    assert cookies
    serials = [
        str(device.tags["IdSerialNumber"])
        for device in kiwigrid.state.site.devices.values()
        if device.tags.get("IdSerialNumber")
    ]
    return [USERNAME, PASSWORD, USER_ID, context.access_token, *cookies, *serials]


@pytest.mark.parametrize("connection", ["solarwatt_legacy", "solarwatt"])
async def test_diagnostics_redact_credentials_tokens_cookies_and_serials(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    kiwigrid: KiwigridCloud,
    setup_kiwigrid: MockConfigEntry,
) -> None:
    entry = setup_kiwigrid
    assert await async_setup_component(hass, "diagnostics", {})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["vendor"] == "kiwigrid"
    assert diagnostics["data"]["devices"]
    assert diagnostics["entry"]["data"]["username"] == "**REDACTED**"
    text = json.dumps(diagnostics)
    for secret in secrets_of(entry, kiwigrid):
        assert secret not in text

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    for device in devices:
        one = await get_diagnostics_for_device(hass, hass_client, entry, device)
        assert one["device"]["kind"]
        text = json.dumps(one)
        for secret in secrets_of(entry, kiwigrid):
            assert secret not in text


@pytest.mark.parametrize("connection", ["local"])
async def test_diagnostics_of_a_device_the_site_no_longer_has(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, setup_kiwigrid: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    gone = dr.async_get(hass).async_get_or_create(
        config_entry_id=setup_kiwigrid.entry_id, identifiers={(DOMAIN, "kiwigrid_gone")}
    )
    diagnostics = await get_diagnostics_for_device(hass, hass_client, setup_kiwigrid, gone)
    assert diagnostics["device"] == {}
