"""Diagnostics: useful for support, with every secret and personal detail redacted."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.home_energy_cloud.const import DOMAIN
from simulator import Simulator
from simulator.electra import ElectraCloud

REDACTED = "**REDACTED**"


def _secrets(entry: MockConfigEntry, simulator: Simulator) -> list[str]:
    cloud: ElectraCloud = simulator.cloud("electra")
    secrets = [entry.data["phone"], entry.data["imei"], entry.data["token"]]
    for device_id in cloud.device_ids():
        record = cloud.unit(device_id).record()
        secrets += [record["mac"], record["sn"]]
        if record.get("deviceToken"):
            secrets.append(record["deviceToken"])
    return [secret for secret in secrets if secret]


async def test_entry_diagnostics_redact_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_electra: MockConfigEntry,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_electra)

    assert diagnostics["vendor"] == "electra"
    data = diagnostics["entry"]["data"]
    assert data["phone"] == data["imei"] == data["token"] == REDACTED
    assert diagnostics["entry"]["title"] == REDACTED
    units = diagnostics["data"]["units"]
    assert len(units) == 4
    assert all(unit["device"]["mac"] == REDACTED for unit in units)
    # Useful content is kept: the state of the units and the client's counters.
    assert any(unit["telemetry"] and unit["telemetry"]["oper"] for unit in units)
    assert diagnostics["data"]["client"]

    text = json.dumps(diagnostics, ensure_ascii=False)
    for secret in _secrets(setup_electra, simulator):
        assert secret not in text


async def test_device_diagnostics_redact_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    setup_electra: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    device = dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id)[0]
    diagnostics = await get_diagnostics_for_device(hass, hass_client, setup_electra, device)

    assert diagnostics["device"]["device"]["mac"] == REDACTED
    text = json.dumps(diagnostics, ensure_ascii=False)
    for secret in _secrets(setup_electra, simulator):
        assert secret not in text

    stale = device_registry.async_get_or_create(
        config_entry_id=setup_electra.entry_id, identifiers={(DOMAIN, "electra_gone")}
    )
    diagnostics = await get_diagnostics_for_device(hass, hass_client, setup_electra, stale)
    assert diagnostics["device"] == {}
