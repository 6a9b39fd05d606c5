"""Helpers shared by the tests and the benchmarks (scripts/bench_electra.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from syrupy.assertion import SnapshotAssertion

from custom_components.home_energy_cloud.api.electra import ElectraClient, generate_imei
from custom_components.home_energy_cloud.const import CONF_BASE_URL, CONF_VENDOR
from simulator import Simulator
from simulator.electra import PRIMARY_PHONE, ElectraCloud


async def electra_login(simulator: Simulator, phone: str = PRIMARY_PHONE) -> dict[str, str]:
    """Log in over the simulator's OTP flow, as the config flow would; returns entry data."""
    cloud: ElectraCloud = simulator.cloud("electra")
    async with aiohttp.ClientSession() as session:
        client = ElectraClient(
            session,
            imei=generate_imei(),
            base_url=simulator.base_url("electra"),
            clock=simulator.clock.monotonic,
        )
        await client.send_otp(phone)
        code = cloud.otp_for(phone)
        assert code is not None
        token = await client.check_otp(phone, code)
    return {
        CONF_VENDOR: "electra",
        "phone": phone,
        "imei": client.imei,
        "token": token,
        CONF_BASE_URL: simulator.base_url("electra"),
    }


# Registry fields that mean the same on every supported Home Assistant version (newer versions
# add fields, so whole registry entries cannot be compared across versions).
_ENTRY_FIELDS = (
    "capabilities",
    "device_class",
    "disabled_by",
    "entity_category",
    "has_entity_name",
    "hidden_by",
    "original_device_class",
    "original_icon",
    "original_name",
    "supported_features",
    "translation_key",
    "unique_id",
    "unit_of_measurement",
)


def _plain_keys(value: Any) -> Any:
    """Mappings with plain string keys (newer versions key attributes by StrEnum members)."""
    if isinstance(value, Mapping):
        return {str(key): _plain_keys(item) for key, item in value.items()}
    return value


def snapshot_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry_id: str,
) -> None:
    """Like ``snapshot_platform``, limited to registry fields every supported version has."""
    entries = er.async_entries_for_config_entry(entity_registry, config_entry_id)
    assert entries
    assert len({entry.domain for entry in entries}) == 1, "load one platform only"
    for entry in sorted(entries, key=lambda item: item.entity_id):
        assert entry.disabled_by is None, "enable all entities"
        state = hass.states.get(entry.entity_id)
        assert state is not None, entry.entity_id
        record: dict[str, Any] = {
            "entry": {name: _plain_keys(getattr(entry, name)) for name in _ENTRY_FIELDS},
            "state": state.state,
            "attributes": _plain_keys(state.attributes),
        }
        assert record == snapshot(name=entry.entity_id)
