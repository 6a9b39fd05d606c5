"""The default, deterministic scenario, and helpers that add units to it.

Primary account ``0501234567`` owns one unit of every kind the notes describe:

* :data:`CENTRAL_ID` "סלון": Electra mini-central, off via ``AC_MODE=STBY``, SPT string, full
  DIAG_L2 (the seed's sample), HB present, a disabled timer, events listed as a list.
* :data:`MIDEA_ID` "חדר שינה": Midea-built, TURN_ON_OFF, swing/turbo keys, minimal DIAG_L2,
  HB JSON null, no ``deviceToken``, CLEAR_FILT on, events listed as a JSON string, timers off.
* :data:`INVERTER_ID` "Office": inverter split, running COOL toward an int SPT 23, I_CALC_AT and
  I_RCT x256, only VSWING, HB key absent from the answer.
* :data:`NEVER_ONLINE_ID` "חדר ילדים": added but never online: OPER JSON null, DIAG_L2 "None",
  HB "null".

Second account ``0527654321`` owns :data:`SECOND_UNIT_ID` "מטבח", a Midea heating, HB "None".
"""

from __future__ import annotations

from .families import CENTRAL, FAMILIES, INVERTER, MIDEA, Family
from .state import Account, CloudState
from .timers import TimerEvent
from .units import AcUnit

PRIMARY_PHONE = "0501234567"
SECOND_PHONE = "0527654321"
CENTRAL_ID = 100201
MIDEA_ID = 100202
INVERTER_ID = 100203
NEVER_ONLINE_ID = 100204
SECOND_UNIT_ID = 100301
SCENARIO_EVENT_ID = 481516
# Distinct signal strengths, so a diagnostics sensor can tell the units apart.
_RSSI_CYCLE = (-37, -44, -52, -61, -68, -73)


def populate(state: CloudState) -> None:
    """Replace whatever the state holds with the default scenario."""
    now = state.now()
    state.accounts = {
        PRIMARY_PHONE: Account(PRIMARY_PHONE, 4101),
        SECOND_PHONE: Account(SECOND_PHONE, 4102),
    }
    state.units = {}
    state.next_device_id = 200_001
    state.timers_checked_at = now

    central = _unit(state, CENTRAL, CENTRAL_ID, PRIMARY_PHONE, "סלון", room=27.0, ambient=27.0)
    central.changed_at = now - 600
    central.reported_at = now - 53  # the seed's timeDelta
    central.rssi, central.outdoor = -37, "0"
    central.events[SCENARIO_EVENT_ID] = TimerEvent(
        SCENARIO_EVENT_ID, "07:00", 62, False, {"AC_MODE": "COOL", "SPT": "24"}
    )

    midea = _unit(state, MIDEA, MIDEA_ID, PRIMARY_PHONE, "חדר שינה", room=25.5, ambient=26.0)
    assert midea.oper is not None
    midea.oper["CLEAR_FILT"] = "ON"
    midea.changed_at = now - 3_600
    midea.reported_at = now - 70  # the seed's other sample
    midea.outdoor = "31"
    midea.has_device_token = False
    midea.enable_events = False
    midea.events_as_string = True
    midea.missing_forms = {"HB": "json-null"}

    inverter = _unit(state, INVERTER, INVERTER_ID, PRIMARY_PHONE, "Office", room=26.0, ambient=28.0)
    inverter.changed_at = inverter.reported_at = now - 40
    inverter.rssi, inverter.outdoor = -61, ""
    inverter.missing_forms = {"HB": "absent"}

    never = _unit(
        state, CENTRAL, NEVER_ONLINE_ID, PRIMARY_PHONE, "חדר ילדים", room=25.0, ambient=25.0
    )
    never.oper, never.online = None, False
    never.changed_at = never.reported_at = now - 3 * 86_400
    never.missing_forms = {"OPER": "json-null", "DIAG_L2": "None", "HB": "null"}

    kitchen = _unit(state, MIDEA, SECOND_UNIT_ID, SECOND_PHONE, "מטבח", room=19.0, ambient=17.0)
    assert kitchen.oper is not None
    kitchen.oper.update({"TURN_ON_OFF": "ON", "AC_MODE": "HEAT", "SPT": "22"})
    kitchen.changed_at = now - 7_200
    kitchen.reported_at = now - 20
    kitchen.outdoor = "12"
    kitchen.missing_forms = {"HB": "None"}


def _unit(
    state: CloudState,
    family: Family,
    device_id: int,
    phone: str,
    name: str,
    *,
    room: float,
    ambient: float,
) -> AcUnit:
    now = state.now()
    unit = AcUnit(
        device_id=device_id,
        owner=phone,
        name=name,
        family=family,
        oper=family.new_oper(),
        online=True,
        room=room,
        ambient=ambient,
        room_at=now,
        changed_at=now,
        reported_at=now,
        rssi=_RSSI_CYCLE[len(state.units) % len(_RSSI_CYCLE)],
        user_id=state.accounts[phone].user_id,
        hb_since=now,
    )
    state.units[device_id] = unit
    return unit


def add_unit(
    state: CloudState,
    family: str = "central",
    *,
    phone: str = PRIMARY_PHONE,
    name: str | None = None,
    online: bool = True,
    device_id: int | None = None,
    **overrides: object,
) -> AcUnit:
    """Register a new unit on an account (created if needed); returns it.

    ``overrides`` sets any other :class:`AcUnit` attribute (e.g. ``room=30.0``).
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; one of {sorted(FAMILIES)}")
    if device_id is None:
        device_id = state.allocate_device_id()
    elif device_id in state.units:
        raise ValueError(f"device id {device_id} is taken")
    if phone not in state.accounts:
        state.accounts[phone] = Account(phone, 4100 + len(state.accounts) + 1)
    unit = _unit(
        state,
        FAMILIES[family],
        device_id,
        phone,
        name or f"AC {device_id}",
        room=26.0,
        ambient=27.0,
    )
    if not online:
        unit.oper, unit.online = None, False
    for key, value in overrides.items():
        if not hasattr(unit, key):
            raise ValueError(f"AcUnit has no attribute {key!r}")
        setattr(unit, key, value)
    return unit


def generic_units(state: CloudState, count: int, phone: str = PRIMARY_PHONE) -> list[int]:
    """Replace the account's units with ``count`` online ones, cycling through the families.

    For benchmarks (1, 10, 50 ACs): every kind of OPER and DIAG_L2 is exercised.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    for unit in state.units_of(phone):
        del state.units[unit.device_id]
    families = (CENTRAL.key, MIDEA.key, INVERTER.key)
    return [
        add_unit(state, families[index % 3], phone=phone, name=f"AC {index + 1}").device_id
        for index in range(count)
    ]
