"""Electra Smart switches: unit features (where the unit has them) and timers on/off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.electra import ElectraDevice, ElectraTelemetry
from ..api.electra.const import IFEEL, OFF, ON, SHABAT, SLEEP, TURBO
from ..errors import async_call_action
from .coordinator import ElectraConfigEntry
from .entity import ElectraEntity, ElectraTimersEntity, add_entities_as_units_appear
from .state import switch_is_on


@dataclass(frozen=True, kw_only=True)
class ElectraSwitchDescription(SwitchEntityDescription):
    """A unit feature toggled through one ON/OFF OPER key."""

    oper_key: str
    value_fn: Callable[[dict[str, Any]], bool | None]


def _flag(key: str) -> ElectraSwitchDescription:
    return ElectraSwitchDescription(
        key=key.lower(),
        translation_key=key.lower(),
        oper_key=key,
        value_fn=lambda oper: switch_is_on(oper, key),
    )


FEATURE_SWITCHES: tuple[ElectraSwitchDescription, ...] = (
    _flag(IFEEL),
    _flag(SLEEP),
    _flag(TURBO),
)
# Shabat is the climate entity's preset, where Home Assistant's climate model puts it; the
# switch that duplicated it is removed from the registry at setup (see RETIRED_KEYS).
RETIRED_KEYS = (SHABAT.lower(),)
TIMERS_SWITCH = SwitchEntityDescription(
    key="timers_enabled", translation_key="timers_enabled", entity_category=EntityCategory.CONFIG
)


async def async_setup_switches(
    hass: HomeAssistant,
    entry: ElectraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches each unit supports, as soon as it reports its keys."""
    runtime = entry.runtime_data

    def build(device: ElectraDevice, telemetry: ElectraTelemetry | None) -> list[Entity]:
        oper = (telemetry.oper if telemetry else None) or {}
        entities: list[Entity] = [ElectraTimersSwitch(runtime.timers, TIMERS_SWITCH, device)]
        entities.extend(
            ElectraFeatureSwitch(runtime.coordinator, description, device)
            for description in FEATURE_SWITCHES
            if description.oper_key in oper
        )
        return entities

    add_entities_as_units_appear(entry, async_add_entities, build)


class ElectraFeatureSwitch(ElectraEntity, SwitchEntity):
    """iFeel, Sleep, Turbo or Shabat."""

    entity_description: ElectraSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """The flag's state (pending changes included)."""
        return self.entity_description.value_fn(self.oper)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the feature on."""
        await self.async_apply({self.entity_description.oper_key: ON})

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the feature off."""
        await self.async_apply({self.entity_description.oper_key: OFF})


class ElectraTimersSwitch(ElectraTimersEntity, SwitchEntity):
    """Whether the unit's cloud timers run at all (the app's "timers on")."""

    @property
    def is_on(self) -> bool | None:
        """The unit's timers flag."""
        timers = (self.coordinator.data or {}).get(self.device_id)
        return timers.enabled if timers else None

    async def _set(self, enabled: bool) -> None:
        await async_call_action(
            self.hass,
            self.coordinator.config_entry,
            self.coordinator.async_set_enabled(self.device_id, enabled),
        )

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Let the unit's timers run."""
        await self._set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Suspend all of the unit's timers."""
        await self._set(False)
