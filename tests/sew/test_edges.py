"""Edge cases of the SEW date parser and the fake's envelope, and the simulator clock."""

from __future__ import annotations

import base64

from Crypto.Cipher import AES
import pytest

from custom_components.home_energy_cloud.api.sew.dates import parse_clock, parse_date
from custom_components.home_energy_cloud.api.sew.exceptions import SewProtocolError
from simulator import SimClock
from simulator.sew.envelope import EnvelopeError, decrypt_params, encrypt_text

KEY = "PasswordPassword"


@pytest.mark.parametrize(
    "bad",
    [
        "not a date",
        "2026-13-45T10:00:00Z",
        "/Date(99999999999999999)/",
    ],
)
def test_dates_the_parser_refuses(bad: str) -> None:
    with pytest.raises(SewProtocolError):
        parse_date(bad)


def test_placeholder_dates_are_none() -> None:
    assert parse_date("0001-01-01T00:00:00") is None
    assert parse_date("/Date(-62135596800000)/") is None
    assert parse_clock("  ") is None
    assert parse_clock(None) is None
    with pytest.raises(SewProtocolError):
        parse_clock(7)


def _encrypted(plain: bytes) -> str:
    raw = KEY.encode()
    return base64.b64encode(AES.new(raw, AES.MODE_CBC, iv=raw[:16]).encrypt(plain)).decode()


@pytest.mark.parametrize(
    "enc_query",
    [
        "not base64!",
        base64.b64encode(b"short").decode(),
        _encrypted(b"x" * 15 + b"\x00"),  # a padding byte of 0
        _encrypted(b"\xff" * 15 + b"\x01"),  # not UTF-8
    ],
)
def test_the_fake_refuses_a_broken_envelope(enc_query: str) -> None:
    with pytest.raises(EnvelopeError):
        decrypt_params(enc_query, KEY)


def test_the_fake_round_trips_an_envelope() -> None:
    assert decrypt_params(encrypt_text("UserId=a+b", KEY), KEY) == {"UserId": "a b"}


def test_the_simulated_clock_never_goes_back() -> None:
    clock = SimClock()
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
