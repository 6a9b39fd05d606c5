"""The OPER, DIAG_L2 and HB samples every Electra fake unit and test starts from: one copy.

``SEED_*`` are the seed's GET_LAST_TELEMETRY answer (an Electra mini-central unit, notes §4.2),
key order and string types included. The Midea-built and inverter OPERs follow the key sets
the notes describe for those families (§4.2): Midea has TURN_ON_OFF, both swings and TURBO but
no AC_STSRC; the inverter has an int SPT and one swing.

The values are read-only views; :func:`copy` gives a dict to change. The client never imports
this module, and nothing here imports the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

SEED_OPER: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "AC_MODE": "STBY",
        "AC_STSRC": "WI-FI",
        "SPT": "22",
        "TIMER": "OFF",
        "FANSPD": "HIGH",
        "CLEAR_FILT": "OFF",
        "DIAG_L2_PRD": "0",
        "FW_OTA": "NONE",
        "IFEEL": "OFF",
        "SHABAT": "OFF",
        "SLEEP": "OFF",
    }
)

SEED_DIAG: Final[Mapping[str, str]] = MappingProxyType(
    {
        "IDU_RX_CNT": "77",
        "IDU_TX_CNT": "77",
        "I_CALC_AT": "27",
        "I_RAT": "27",
        "WI_FI_RSSI": "-37",
        "I_ICT": "27",
        "I_PUMP": "ON",
        "O_ACT_FREQ": "0",
        "O_ODU_MODE": "IDLE",
        "I_LOGIC_SPT": "22",
        "I_RCT": "27",
        "GOOD_IR_CNT": "3",
        "BAD_IR_CNT": "0",
        "DISPLAY_IP": "192.168.1.1",
        "IDU_CRC_ERR_RX_CNT": "0",
        "IP_HI_PRES": "CLOSE",
        "IP_LO_PRES": "CLOSE",
        "I_BAD_ICT": "NORM",
        "I_BAD_RAT": "NORM",
        "I_DEICER": "ON",
        "I_FAN_ACT": "0",
        "I_LOCK": "NO LOCK",
        "I_NLOAD": "0",
        "I_ON_OFF_STAT": "ON",
        "I_SELFTEST": "ON",
        "I_STOP_COMP": "NO_RQST",
        "M2L_CRC_ERR_RX_CNT": "0",
        "M2L_RX_CNT": "0",
        "M2L_TX_CNT": "0",
        "MAIN_PWR_STATUS": "240",
        "OFAN_TYPE": "FANUP",
        "O_AC_CURRENT": "0",
        "O_BAD_OMT": "NORM",
        "O_CTT": "0",
        "O_CUR_RWR_TYPE": "AC Current",
        "O_DC_CURRENT": "0",
        "O_EEV": "0",
        "O_EEV_DMSMP": "0",
        "O_FAN": "OFF",
        "O_FANDOWN_SPD": "0",
        "O_FANUP_SPD": "0",
        "O_FORCE_STDBY": "ON",
        "O_GLT": "0",
        "O_HST": "0",
        "O_MODEL": "reserved ",
        "O_OAT": "0",
        "O_OCT": "43",
        "O_OMT": "0",
        "O_PROT_RESON": "0",
        "O_PROT_STAT": "0",
        "O_RGT_BAD": "NORMAL",
        "O_RLT_BAD": "NORMAL",
        "O_RV": "COOL",
        "O_SYS_PWR": "0",
        "O_TRGT_FREQ": "0",
        "SMPS_PWR_STATUS": "150",
    }
)

SEED_HB: Final[Mapping[str, str]] = MappingProxyType({"HB_CNT": "1130", "MESSTYPE": "HB"})

# The seed's timeDelta (the unit last reported 53 s before the answer).
SEED_TIME_DELTA: Final = 53

MIDEA_OPER: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "TURN_ON_OFF": "OFF",
        "AC_MODE": "COOL",
        "SPT": "24",
        "FANSPD": "AUTO",
        "VSWING": "OFF",
        "HSWING": "OFF",
        "TURBO": "OFF",
        "SLEEP": "OFF",
        "IFEEL": "OFF",
        "SHABAT": "OFF",
        "TIMER": "OFF",
        "CLEAR_FILT": "OFF",
        "MSGTYPE": "OPER",
        "IDU_PN": "0",
        "OP_VAL_ERR": "OK",
    }
)

INVERTER_OPER: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "AC_MODE": "COOL",
        "AC_STSRC": "WI-FI",
        "SPT": 23,
        "TIMER": "OFF",
        "FANSPD": "AUTO",
        "VSWING": "OFF",
        "CLEAR_FILT": "OFF",
        "DIAG_L2_PRD": "3600",
        "FW_OTA": "NONE",
        "IFEEL": "OFF",
        "SHABAT": "OFF",
        "SLEEP": "OFF",
    }
)


def copy[V](sample: Mapping[str, V]) -> dict[str, V]:
    """A fresh, changeable dict of a sample."""
    return dict(sample)
