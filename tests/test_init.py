"""Setting up and unloading entries, the unknown-vendor repair, removing devices."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud import async_remove_config_entry_device
from custom_components.home_energy_cloud.const import CONF_VENDOR, DOMAIN
from simulator import Simulator


async def test_setup_and_unload(hass: HomeAssistant, setup_electra: MockConfigEntry) -> None:
    entry = setup_electra
    assert entry.state is ConfigEntryState.LOADED
    climates = hass.states.async_entity_ids("climate")
    assert len(climates) == 4

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.NOT_LOADED
    assert all(hass.states.get(entity_id).state == STATE_UNAVAILABLE for entity_id in climates)


async def test_services_exist_without_entries(hass: HomeAssistant) -> None:
    # Automations referring to the actions validate even before an entry loads.
    assert await async_setup_component(hass, DOMAIN, {})
    for service in ("get_timers", "set_timer", "delete_timer"):
        assert hass.services.has_service(DOMAIN, service)


async def test_unknown_vendor_is_a_repair_issue(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, title="Old account", data={CONF_VENDOR: "gone"}, unique_id="gone:1"
    )
    entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(entry.entry_id)

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == (
        'The entry "Old account" is for the vendor "gone", which this version of Home Energy'
        " Cloud does not support"
    )
    issue = issue_registry.async_get_issue(DOMAIN, f"unknown_vendor_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "unknown_vendor"
    assert issue.translation_placeholders == {"title": "Old account", "vendor": "gone"}
    assert issue.severity is ir.IssueSeverity.ERROR

    await hass.config_entries.async_remove(entry.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, f"unknown_vendor_{entry.entry_id}") is None


async def test_cloud_down_at_setup_retries(
    hass: HomeAssistant, simulator: Simulator, electra_entry: MockConfigEntry
) -> None:
    simulator.faults("electra").update({"http_errors": 1000})
    assert not await hass.config_entries.async_setup(electra_entry.entry_id)
    assert electra_entry.state is ConfigEntryState.SETUP_RETRY


async def test_refused_token_at_setup_asks_for_reauth(
    hass: HomeAssistant, electra_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        electra_entry, data={**electra_entry.data, "token": "0" * 32}
    )
    assert not await hass.config_entries.async_setup(electra_entry.entry_id)
    await hass.async_block_till_done()

    assert electra_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == electra_entry.entry_id


async def test_only_devices_gone_from_the_cloud_can_be_removed(
    hass: HomeAssistant,
    setup_electra: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    devices = dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id)
    assert len(devices) == 4
    for device in devices:
        assert not await async_remove_config_entry_device(hass, setup_electra, device)

    gone = device_registry.async_get_or_create(
        config_entry_id=setup_electra.entry_id, identifiers={(DOMAIN, "electra_gone")}
    )
    assert await async_remove_config_entry_device(hass, setup_electra, gone)


@pytest.mark.parametrize("platforms", [[]])
async def test_only_the_vendors_platforms_load(
    hass: HomeAssistant, setup_electra: MockConfigEntry
) -> None:
    assert setup_electra.state is ConfigEntryState.LOADED
    assert not hass.states.async_all()


def test_schemas_use_the_library_home_assistant_validates_with() -> None:
    """Both libraries may import; forms must be built with the one Home Assistant uses."""
    from homeassistant.helpers import config_validation as cv

    from custom_components.home_energy_cloud.schema import vol

    assert isinstance(cv.PLATFORM_SCHEMA, vol.Schema)
