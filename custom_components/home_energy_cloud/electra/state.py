"""Reading Home Assistant values out of an air conditioner's telemetry (pure functions)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate.const import (
    FAN_AUTO,
    FAN_HIGH,
    FAN_LOW,
    FAN_MEDIUM,
    HVACAction,
    HVACMode,
)

from ..api.electra.const import AC_MODE, OFF, ON, STBY, TURN_ON_OFF

HVAC_MODE_TO_AC: dict[HVACMode, str] = {
    HVACMode.COOL: "COOL",
    HVACMode.HEAT: "HEAT",
    HVACMode.FAN_ONLY: "FAN",
    HVACMode.DRY: "DRY",
    HVACMode.AUTO: "AUTO",
}
AC_TO_HVAC_MODE = {ac: mode for mode, ac in HVAC_MODE_TO_AC.items()}

FAN_MODE_TO_AC = {FAN_AUTO: "AUTO", FAN_LOW: "LOW", FAN_MEDIUM: "MED", FAN_HIGH: "HIGH"}
AC_TO_FAN_MODE = {ac: mode for mode, ac in FAN_MODE_TO_AC.items()}

ODU_TO_ACTION = {"IDLE": HVACAction.IDLE, "COOL": HVACAction.COOLING, "HEAT": HVACAction.HEATING}

# The units report in whole degrees; some scale ambient readings by 256 (8.8 fixed point).
_SCALED_ABOVE = 100
_SANE_RANGE = (-10.0, 60.0)
_CURRENT_TEMPERATURE_KEYS = ("I_RAT", "I_CALC_AT", "I_RCT")


def to_number(value: Any) -> float | None:
    """A reading as a float; None for missing, empty or non-numeric values."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def current_temperature(diag: dict[str, Any] | None) -> float | None:
    """Room temperature: the first sane of I_RAT, I_CALC_AT, I_RCT (x256 values unscaled)."""
    if not diag:
        return None
    for key in _CURRENT_TEMPERATURE_KEYS:
        value = to_number(diag.get(key))
        if value is None:
            continue
        if value > _SCALED_ABOVE:
            value /= 256
        if _SANE_RANGE[0] <= value <= _SANE_RANGE[1]:
            return round(value, 1)
    return None


def outdoor_temperature(diag: dict[str, Any] | None) -> float | None:
    """Outdoor temperature; units without a sensor report 0 or "" (notes §4.3)."""
    value = to_number((diag or {}).get("O_OAT"))
    if value is None or value == 0:
        return None
    return value


def is_on(oper: dict[str, Any]) -> bool:
    """Whether the unit runs: TURN_ON_OFF decides where present, AC_MODE=STBY elsewhere."""
    if TURN_ON_OFF in oper:
        return bool(oper[TURN_ON_OFF] == ON and oper.get(AC_MODE) != STBY)
    return bool(oper.get(AC_MODE, STBY) != STBY)


def hvac_mode(oper: dict[str, Any]) -> HVACMode | None:
    """The Home Assistant mode; None for a mode this integration does not know."""
    if not is_on(oper):
        return HVACMode.OFF
    return AC_TO_HVAC_MODE.get(str(oper.get(AC_MODE)))


def hvac_action(oper: dict[str, Any], diag: dict[str, Any] | None) -> HVACAction | None:
    """What the unit is doing now: the outdoor unit's mode says whether it is cooling or idle."""
    mode = hvac_mode(oper)
    if mode == HVACMode.OFF:
        return HVACAction.OFF
    if mode == HVACMode.FAN_ONLY:
        return HVACAction.FAN
    if mode == HVACMode.DRY:
        return HVACAction.DRYING
    return ODU_TO_ACTION.get(str((diag or {}).get("O_ODU_MODE")))


def switch_is_on(oper: dict[str, Any], key: str) -> bool | None:
    """ON/OFF flags; None for anything else."""
    value = oper.get(key)
    if value == ON:
        return True
    if value == OFF:
        return False
    return None


def off_changes(oper: dict[str, Any]) -> dict[str, str]:
    """OPER changes that switch the unit off (STBY is ignored by TURN_ON_OFF units)."""
    return {TURN_ON_OFF: OFF} if TURN_ON_OFF in oper else {AC_MODE: STBY}


def mode_changes(oper: dict[str, Any], mode: HVACMode) -> dict[str, str]:
    """OPER changes that run the unit in ``mode`` (not OFF)."""
    changes = {AC_MODE: HVAC_MODE_TO_AC[mode]}
    if TURN_ON_OFF in oper:
        changes[TURN_ON_OFF] = ON
    return changes
