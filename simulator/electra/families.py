"""The AC model families the notes describe, each with its own OPER keys and DIAG_L2 shape.

A family fixes what the cloud exposes for a unit (which OPER keys exist, whether SPT is a string
or an int, whether temperatures are scaled by 256, which DIAG_L2 keys are reported); the live
values come from :class:`~simulator.electra.units.AcUnit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import samples

# Compressor frequency and current while running: plausible figures, only there so that
# diagnostics sensors have something that moves.
_RUN_FREQ = "58"
_RUN_CURRENT = "4"
_RUN_POWER = "870"

FAN_CODES = {"LOW": "1", "MED": "2", "HIGH": "3", "AUTO": "4"}


@dataclass(frozen=True, slots=True)
class Live:
    """The live values a DIAG_L2 block is rendered from."""

    room: int
    spt: int
    powered: bool
    odu_mode: str
    fan: str
    rssi: int
    outdoor: str


@dataclass(frozen=True, slots=True)
class Family:
    """One model family: device-record fields, OPER template and DIAG_L2 renderer."""

    key: str
    manufactor: str
    manufactor_id: int
    mqtt_kind: str
    model: str
    fm_version: str
    turn_on_off: bool
    spt_is_int: bool
    oper_template: Callable[[], dict[str, Any]]
    diag: Callable[[Live], dict[str, str]]
    has_hb: bool

    def new_oper(self) -> dict[str, Any]:
        """Return a fresh OPER for a unit of this family that just came online."""
        return self.oper_template()


def _central_oper() -> dict[str, Any]:
    return samples.copy(samples.SEED_OPER)


def _midea_oper() -> dict[str, Any]:
    # No AC_STSRC on purpose: clients must only set it where the key exists (notes §2.6).
    return samples.copy(samples.MIDEA_OPER)


def _inverter_oper() -> dict[str, Any]:
    return samples.copy(samples.INVERTER_OPER)


def _running(live: Live) -> bool:
    return live.odu_mode != "IDLE"


def _coil(live: Live) -> int:
    # The indoor coil runs far colder (cooling) or hotter (heating) than the room.
    if live.odu_mode == "COOL":
        return live.room - 12
    if live.odu_mode == "HEAT":
        return live.room + 18
    return live.room


def _central_diag(live: Live) -> dict[str, str]:
    # The seed's sample, with the values that follow the unit's live state.
    running = _running(live)
    room = str(live.room)
    diag = samples.copy(samples.SEED_DIAG)
    diag.update(
        {
            "I_CALC_AT": room,
            "I_RAT": room,
            "I_RCT": room,
            "WI_FI_RSSI": str(live.rssi),
            "I_ICT": str(_coil(live)),
            "O_ACT_FREQ": _RUN_FREQ if running else "0",
            "O_ODU_MODE": live.odu_mode,
            "I_LOGIC_SPT": str(live.spt),
            "I_FAN_ACT": FAN_CODES.get(live.fan, "0") if live.powered else "0",
            "I_ON_OFF_STAT": "ON" if live.powered else "OFF",
            "O_AC_CURRENT": _RUN_CURRENT if running else "0",
            "O_FAN": "ON" if running else "OFF",
            "O_FANUP_SPD": "700" if running else "0",
            "O_FORCE_STDBY": "OFF" if live.powered else "ON",
            "O_OAT": live.outdoor,
            "O_RV": "HEAT" if live.odu_mode == "HEAT" else "COOL",
            "O_SYS_PWR": _RUN_POWER if running else "0",
            "O_TRGT_FREQ": _RUN_FREQ if running else "0",
        }
    )
    return diag


def _midea_diag(live: Live) -> dict[str, str]:
    # The four keys Midea-built units report, nothing more (notes §4.2).
    return {
        "I_RAT": str(live.room),
        "O_ODU_MODE": live.odu_mode,
        "IDU_FAN": FAN_CODES.get(live.fan, "0") if live.powered else "0",
        "O_OAT": live.outdoor,
    }


def _inverter_diag(live: Live) -> dict[str, str]:
    running = _running(live)
    # I_RAT is sane; I_CALC_AT and I_RCT are x256 (6144 = 24 °C), the remote reading a degree
    # lower, as in yonatanp/electrasmart-custom-component#8.
    return {
        "I_RAT": str(live.room),
        "I_CALC_AT": str(live.room * 256),
        "I_RCT": str((live.room - 1) * 256),
        "I_ICT": str(_coil(live)),
        "I_LOGIC_SPT": str(live.spt),
        "I_ON_OFF_STAT": "ON" if live.powered else "OFF",
        "I_FAN_ACT": FAN_CODES.get(live.fan, "0") if live.powered else "0",
        "O_ODU_MODE": live.odu_mode,
        "O_ACT_FREQ": _RUN_FREQ if running else "0",
        "O_TRGT_FREQ": _RUN_FREQ if running else "0",
        "O_AC_CURRENT": _RUN_CURRENT if running else "0",
        "O_SYS_PWR": _RUN_POWER if running else "0",
        "O_OAT": live.outdoor,
        "O_RV": "HEAT" if live.odu_mode == "HEAT" else "COOL",
        "WI_FI_RSSI": str(live.rssi),
        "MAIN_PWR_STATUS": "1188",
        "SMPS_PWR_STATUS": "328",
    }


CENTRAL = Family(
    key="central",
    manufactor="מיני מרכזי",
    manufactor_id=1,
    mqtt_kind="electra_ac",
    model="K074133343",
    fm_version="611V4-C12",
    turn_on_off=False,
    spt_is_int=False,
    oper_template=_central_oper,
    diag=_central_diag,
    has_hb=True,
)

MIDEA = Family(
    key="midea",
    manufactor="Midea",
    manufactor_id=2,
    mqtt_kind="midea_ac",
    model="MSAG-12HRFN8",
    fm_version="MD-1.0.37",
    turn_on_off=True,
    spt_is_int=False,
    oper_template=_midea_oper,
    diag=_midea_diag,
    has_hb=False,
)

INVERTER = Family(
    key="inverter",
    manufactor="Electra",
    manufactor_id=1,
    mqtt_kind="electra_ac",
    model="K124177325",
    fm_version="611V5-C17",
    turn_on_off=False,
    spt_is_int=True,
    oper_template=_inverter_oper,
    diag=_inverter_diag,
    has_hb=False,
)

FAMILIES: dict[str, Family] = {f.key: f for f in (CENTRAL, MIDEA, INVERTER)}
