"""The PortalService envelope against the seed's recipe, byte for byte."""

from __future__ import annotations

import base64
import hashlib
import urllib.parse

from Crypto.Cipher import AES
from hypothesis import given, strategies as st
import pytest

from custom_components.home_energy_cloud.api.sew import (
    PasswordDigest,
    SewEncryptionMismatchError,
    decrypt_query,
    encrypt_query,
    password_digest,
)
from custom_components.home_energy_cloud.api.sew.crypto import (
    decrypt_text,
    encrypt_bytes,
    pad,
    unpad,
)

KEY = "PasswordPassword"


def seed_recipe(params: dict[str, str], encryption_key: str = KEY) -> str:
    """The seed post's _encrypt_query, with the key as bytes (pycryptodome needs them)."""
    key = encryption_key.encode()
    cipher = AES.new(key, AES.MODE_CBC, IV=key)
    cleartext = urllib.parse.urlencode(params).encode()
    padding_length = 16 - len(cleartext) % 16
    cleartext += padding_length * chr(padding_length).encode()
    return base64.b64encode(cipher.encrypt(cleartext)).decode("ascii")


LOGIN = {"UserId": "USERNAME", "Password": hashlib.sha256(b"PASSWORD").hexdigest()}
# Computed once with seed_recipe(LOGIN): a fixed point that also guards the recipe itself.
LOGIN_ENC_QUERY = (
    "4lcY1sx85X9ke4p/Ens9BX1Dt4uCc0ofZaKA6jI/UAlb4Gvj9++4iZZeJKDP05mj"
    "Oz5uon3SXwlCWYJvmA8my+36wUpiO28oB6Sph5wzjMm0tvHcJMFaaWR4BTsyNOp6"
)


def test_known_answer_from_the_seed_recipe() -> None:
    assert seed_recipe(LOGIN) == LOGIN_ENC_QUERY
    assert encrypt_query(LOGIN, KEY) == LOGIN_ENC_QUERY
    assert decrypt_query(LOGIN_ENC_QUERY, KEY) == LOGIN


def test_block_aligned_text_gets_a_whole_padding_block() -> None:
    params = {"A": "0123456789abcd"}  # "A=0123456789abcd" is exactly 16 bytes
    assert len(base64.b64decode(encrypt_query(params, KEY))) == 32
    assert encrypt_query(params, KEY) == seed_recipe(params)


def test_password_digest_encodings() -> None:
    digest = hashlib.sha256(b"s3cret").digest()
    assert password_digest("s3cret") == digest.hex()
    assert password_digest("s3cret", PasswordDigest.BASE64) == base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "not base64!",
        '{"plain": "json"}',
        base64.b64encode(b"short").decode(),
        base64.b64encode(b"\x00" * 16).decode(),  # decrypts, but the padding is wrong
    ],
)
def test_undecryptable_replies_are_an_encryption_mismatch(reply: str) -> None:
    with pytest.raises(SewEncryptionMismatchError):
        decrypt_text(reply, KEY)


def test_wrong_key_is_a_mismatch() -> None:
    with pytest.raises(SewEncryptionMismatchError):
        decrypt_query(encrypt_query(LOGIN, KEY), "AnotherKey123456")


def test_keys_must_have_an_aes_length() -> None:
    with pytest.raises(ValueError, match="16, 24 or 32"):
        encrypt_query(LOGIN, "short")


@given(st.dictionaries(st.text(min_size=1), st.text(), max_size=8))
def test_any_parameters_round_trip_byte_exactly(params: dict[str, str]) -> None:
    enc = encrypt_query(params, KEY)
    assert enc == seed_recipe(params)
    assert decrypt_query(enc, KEY) == params


@given(st.binary(max_size=200))
def test_padding_round_trips(data: bytes) -> None:
    padded = pad(data)
    assert len(padded) % 16 == 0
    assert len(padded) > len(data)
    assert unpad(padded) == data


@given(st.text(max_size=300))
def test_decrypting_anything_returns_text_or_a_mismatch(reply: str) -> None:
    try:
        result = decrypt_text(reply, KEY)
    except SewEncryptionMismatchError:
        return
    assert isinstance(result, str)


@given(st.binary(min_size=1, max_size=160))
def test_decrypting_any_ciphertext_returns_text_or_a_mismatch(blob: bytes) -> None:
    try:
        result = decrypt_text(base64.b64encode(blob).decode(), KEY)
    except SewEncryptionMismatchError:
        return
    assert encrypt_bytes(result.encode(), KEY) == base64.b64encode(blob).decode()
