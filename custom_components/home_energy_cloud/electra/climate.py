"""Electra Smart climate entity: one per air conditioner."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import time as dt_time
from typing import Any

from homeassistant.components.climate import ClimateEntity, ClimateEntityDescription
from homeassistant.components.climate.const import (
    ATTR_HVAC_MODE,
    FAN_AUTO,
    FAN_HIGH,
    FAN_LOW,
    FAN_MEDIUM,
    PRESET_NONE,
    SWING_HORIZONTAL_OFF,
    SWING_HORIZONTAL_ON,
    SWING_OFF,
    SWING_ON,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.core import HomeAssistant, ServiceResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoredExtraData, RestoreEntity

from ..api.electra import ElectraDevice, ElectraTelemetry, ElectraTimer
from ..api.electra.const import FANSPD, HSWING, OFF, ON, SHABAT, SPT, TURN_ON_OFF, VSWING
from ..const import DOMAIN
from ..errors import async_call_action
from .const import MAX_TEMP, MIN_TEMP
from .coordinator import ElectraConfigEntry, ElectraCoordinator, ElectraTimersCoordinator
from .entity import ElectraEntity, add_entities_as_units_appear
from .state import (
    AC_TO_FAN_MODE,
    FAN_MODE_TO_AC,
    current_temperature,
    hvac_action,
    hvac_mode,
    mode_changes,
    off_changes,
    to_number,
)
from .timers import EVERY_DAY, build_actions, timer_to_dict, weekdays_to_mask

PRESET_SHABAT = "shabat"
# Units without TURN_ON_OFF forget their mode in STBY; with nothing remembered yet, cool is the
# safest guess in a mostly-cooling climate (and never the HEAT that Home Assistant's own
# fallback picks).
DEFAULT_ACTIVE_MODE = HVACMode.COOL
CLIMATE_DESCRIPTION = ClimateEntityDescription(key="climate", translation_key="air_conditioner")


async def async_setup_climate(
    hass: HomeAssistant,
    entry: ElectraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one climate entity per unit, including units that have not reported yet."""
    runtime = entry.runtime_data

    def build(device: ElectraDevice, telemetry: ElectraTelemetry | None) -> list[ElectraClimate]:
        return [ElectraClimate(runtime.coordinator, runtime.timers, device)]

    add_entities_as_units_appear(entry, async_add_entities, build)


def whole_degrees(temperature: float) -> int:
    """The set point as the unit holds it; a fraction is refused rather than rounded away."""
    if temperature != int(temperature):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="whole_degrees_only",
            translation_placeholders={"temperature": f"{temperature:g}"},
        )
    return int(temperature)


class ElectraClimate(ElectraEntity, ClimateEntity, RestoreEntity):
    """An air conditioner; features follow the OPER keys the unit reports."""

    _attr_name = None
    _attr_temperature_unit = UnitOfTemperature.CELSIUS
    _attr_min_temp = MIN_TEMP
    _attr_max_temp = MAX_TEMP
    _attr_target_temperature_step = 1
    _attr_hvac_modes = [
        HVACMode.OFF,
        HVACMode.COOL,
        HVACMode.HEAT,
        HVACMode.FAN_ONLY,
        HVACMode.DRY,
        HVACMode.AUTO,
    ]
    _attr_fan_modes = [FAN_AUTO, FAN_LOW, FAN_MEDIUM, FAN_HIGH]

    def __init__(
        self,
        coordinator: ElectraCoordinator,
        timers: ElectraTimersCoordinator,
        device: ElectraDevice,
    ) -> None:
        """Create the entity of one unit."""
        super().__init__(coordinator, CLIMATE_DESCRIPTION, device)
        self._timers = timers
        self._last_active_mode: HVACMode | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the last active mode, which STBY units themselves forget."""
        await super().async_added_to_hass()
        if (extra := await self.async_get_last_extra_data()) is not None:
            restored = extra.as_dict().get("last_active_mode")
            if restored in self._attr_hvac_modes and restored != HVACMode.OFF:
                self._last_active_mode = HVACMode(restored)
        self._remember_active_mode()

    @property
    def extra_restore_state_data(self) -> ExtraStoredData:
        """Kept across restarts: the mode that turn_on restores."""
        return RestoredExtraData({"last_active_mode": self._last_active_mode})

    @callback
    def _handle_coordinator_update(self) -> None:
        self._remember_active_mode()
        super()._handle_coordinator_update()

    def _remember_active_mode(self) -> None:
        if self.available and (mode := self.hvac_mode) not in (None, HVACMode.OFF):
            self._last_active_mode = mode

    @property
    def supported_features(self) -> ClimateEntityFeature:
        """The features this unit's OPER keys allow."""
        oper = self.oper
        features = (
            ClimateEntityFeature.TARGET_TEMPERATURE
            | ClimateEntityFeature.FAN_MODE
            | ClimateEntityFeature.TURN_ON
            | ClimateEntityFeature.TURN_OFF
        )
        if VSWING in oper:
            features |= ClimateEntityFeature.SWING_MODE
        if HSWING in oper:
            features |= ClimateEntityFeature.SWING_HORIZONTAL_MODE
        if SHABAT in oper:
            features |= ClimateEntityFeature.PRESET_MODE
        return features

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Off, or the unit's mode."""
        return hvac_mode(self.oper) if self.oper else None

    @property
    def hvac_action(self) -> HVACAction | None:
        """From the outdoor unit's mode: idle once the set point is reached."""
        return hvac_action(self.oper, self.diag) if self.oper else None

    @property
    def current_temperature(self) -> float | None:
        """Room temperature (None rather than a made-up value)."""
        return current_temperature(self.diag)

    @property
    def target_temperature(self) -> float | None:
        """The set point."""
        return to_number(self.oper.get(SPT))

    @property
    def fan_mode(self) -> str | None:
        """Fan speed."""
        return AC_TO_FAN_MODE.get(str(self.oper.get(FANSPD)))

    @property
    def swing_modes(self) -> list[str] | None:
        """Vertical swing, on units that have it."""
        return [SWING_ON, SWING_OFF] if VSWING in self.oper else None

    @property
    def swing_mode(self) -> str | None:
        """Vertical swing state."""
        return {ON: SWING_ON, OFF: SWING_OFF}.get(str(self.oper.get(VSWING)))

    @property
    def swing_horizontal_modes(self) -> list[str] | None:
        """Horizontal swing, on units that have it."""
        return [SWING_HORIZONTAL_ON, SWING_HORIZONTAL_OFF] if HSWING in self.oper else None

    @property
    def swing_horizontal_mode(self) -> str | None:
        """Horizontal swing state."""
        return {ON: SWING_HORIZONTAL_ON, OFF: SWING_HORIZONTAL_OFF}.get(str(self.oper.get(HSWING)))

    @property
    def preset_modes(self) -> list[str] | None:
        """Shabat mode, on units that have it."""
        return [PRESET_NONE, PRESET_SHABAT] if SHABAT in self.oper else None

    @property
    def preset_mode(self) -> str | None:
        """Shabat or none."""
        if SHABAT not in self.oper:
            return None
        return PRESET_SHABAT if self.oper[SHABAT] == ON else PRESET_NONE

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch off, or run in a mode."""
        if hvac_mode == HVACMode.OFF:
            await self.async_apply(off_changes(self.oper))
            return
        self._last_active_mode = hvac_mode
        await self.async_apply(mode_changes(self.oper, hvac_mode))

    async def async_turn_off(self) -> None:
        """Switch off the way this unit understands."""
        await self.async_set_hvac_mode(HVACMode.OFF)

    async def async_turn_on(self) -> None:
        """Run again in the last active mode, never a hard-coded one."""
        oper = self.oper
        if TURN_ON_OFF in oper and hvac_mode({**oper, TURN_ON_OFF: ON}) not in (None, HVACMode.OFF):
            # These units keep their mode while off.
            await self.async_apply({TURN_ON_OFF: ON})
            return
        await self.async_set_hvac_mode(self._last_active_mode or DEFAULT_ACTIVE_MODE)

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the set point (whole degrees), and the mode if one is given."""
        changes: dict[str, str | int] = {}
        if (mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            if mode == HVACMode.OFF:
                changes.update(off_changes(self.oper))
            else:
                self._last_active_mode = HVACMode(mode)
                changes.update(mode_changes(self.oper, HVACMode(mode)))
        if (temperature := kwargs.get(ATTR_TEMPERATURE)) is not None:
            changes[SPT] = whole_degrees(float(temperature))
        if changes:
            await self.async_apply(changes)

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Set the fan speed."""
        await self.async_apply({FANSPD: FAN_MODE_TO_AC[fan_mode]})

    async def async_set_swing_mode(self, swing_mode: str) -> None:
        """Vertical swing on or off."""
        await self.async_apply({VSWING: ON if swing_mode == SWING_ON else OFF})

    async def async_set_swing_horizontal_mode(self, swing_horizontal_mode: str) -> None:
        """Horizontal swing on or off."""
        await self.async_apply(
            {HSWING: ON if swing_horizontal_mode == SWING_HORIZONTAL_ON else OFF}
        )

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Shabat mode on or off."""
        await self.async_apply({SHABAT: ON if preset_mode == PRESET_SHABAT else OFF})

    # Timer service actions (registered in electra/services.py)

    def _find_timer(self, timer_id: str) -> ElectraTimer:
        timers = (self._timers.data or {}).get(self.device_id)
        for timer in timers.timers if timers else ():
            if timer.event_id == timer_id:
                return timer
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="timer_not_found",
            translation_placeholders={"timer_id": timer_id, "entity_id": self.entity_id},
        )

    async def _timer_call(self, command: Awaitable[None] | None = None) -> None:
        """Run a timer command (if any), then re-read this unit's timers."""

        async def call() -> None:
            if command is not None:
                await command
            await self._timers.async_refresh_device(self.device_id)

        await async_call_action(self.hass, self.coordinator.config_entry, call())

    async def async_get_timers(self) -> ServiceResponse:
        """The unit's timers, freshly read."""
        await self._timer_call()
        timers = (self._timers.data or {}).get(self.device_id)
        return {
            "enabled": bool(timers and timers.enabled),
            "timers": [timer_to_dict(timer) for timer in (timers.timers if timers else ())],
        }

    async def async_set_timer(
        self,
        timer_id: str | None = None,
        time: dt_time | None = None,
        hvac_mode: str | None = None,
        weekdays: list[str] | None = None,
        enabled: bool | None = None,
        temperature: float | None = None,
        fan_mode: str | None = None,
    ) -> None:
        """Create a timer, or change the one with ``timer_id`` (fields left out are kept)."""
        days = weekdays_to_mask(weekdays) if weekdays else None
        at = time.strftime("%H:%M") if time is not None else None
        if timer_id is not None:
            existing = self._find_timer(timer_id)
            current = timer_to_dict(existing)
            at = at or existing.time
            hvac_mode = hvac_mode or current["hvac_mode"]
            days = days or existing.days
            enabled = existing.enabled if enabled is None else enabled
            if temperature is None:
                temperature = current["temperature"]
            fan_mode = fan_mode or current["fan_mode"]
        if at is None or hvac_mode is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="timer_needs_time_and_mode"
            )
        if hvac_mode not in self.hvac_modes:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="timer_invalid_mode",
                translation_placeholders={"hvac_mode": hvac_mode},
            )
        if temperature is not None and not MIN_TEMP <= temperature <= MAX_TEMP:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="timer_invalid_temperature",
                translation_placeholders={
                    "temperature": str(temperature),
                    "min": str(MIN_TEMP),
                    "max": str(MAX_TEMP),
                },
            )
        if fan_mode is not None and fan_mode not in (self.fan_modes or ()):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="timer_invalid_fan_mode",
                translation_placeholders={"fan_mode": fan_mode},
            )
        timer = ElectraTimer(
            event_id=timer_id,
            time=at,
            days=days or EVERY_DAY,
            enabled=True if enabled is None else enabled,
            actions=build_actions(self.oper, HVACMode(hvac_mode), temperature, fan_mode),
        )
        await self._timer_call(self.coordinator.client.set_timer(self.device_id, timer))

    async def async_delete_timer(self, timer_id: str) -> None:
        """Delete one timer."""
        self._find_timer(timer_id)
        await self._timer_call(self.coordinator.client.delete_timer(self.device_id, timer_id))
