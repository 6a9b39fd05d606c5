"""The PortalService envelope: AES-CBC with PKCS#5 padding, key = IV (the seed's recipe).

Requests carry ``EncQuery``: base64 of the encrypted URL-encoded parameters. Replies of an
encrypting utility carry the JSON result encrypted the same way. Anything that does not decrypt
to text raises :class:`SewEncryptionMismatchError`, so the flow can suggest the other setting.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from enum import StrEnum
import hashlib
import urllib.parse

from Crypto.Cipher import AES

from .exceptions import SewEncryptionMismatchError

BLOCK = 16


class PasswordDigest(StrEnum):
    """How flavor A sends the SHA-256 of the password (the seed leaves it open)."""

    HEX = "hex"
    BASE64 = "base64"


def check_key(key: str) -> bytes:
    """Return the key's bytes; AES needs 16, 24 or 32 of them (the IV is the first 16)."""
    raw = key.encode("utf-8")
    if len(raw) not in (16, 24, 32):
        raise ValueError("the AES key must be 16, 24 or 32 bytes long")
    return raw


def pad(data: bytes) -> bytes:
    """PKCS#5 padding (RFC 8018 B.2.5): always 1 to 16 bytes of the pad length."""
    length = BLOCK - len(data) % BLOCK
    return data + bytes([length]) * length


def unpad(data: bytes) -> bytes:
    """Remove PKCS#5 padding; bad padding means the wrong key or no encryption at all."""
    if not data or len(data) % BLOCK:
        raise SewEncryptionMismatchError("encrypted text is not a whole number of AES blocks")
    length = data[-1]
    if not 1 <= length <= BLOCK or data[-length:] != bytes([length]) * length:
        raise SewEncryptionMismatchError("encrypted text has invalid padding (wrong key?)")
    return data[:-length]


def encrypt_bytes(plain: bytes, key: str) -> str:
    """Return base64 of AES-CBC(key, IV = key) over the padded bytes."""
    raw = check_key(key)
    cipher = AES.new(raw, AES.MODE_CBC, iv=raw[:BLOCK])
    return base64.b64encode(cipher.encrypt(pad(plain))).decode("ascii")


def decrypt_bytes(text: str, key: str) -> bytes:
    """Reverse :func:`encrypt_bytes`; raises SewEncryptionMismatchError on anything else."""
    raw = check_key(key)
    try:
        data = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as err:
        raise SewEncryptionMismatchError("reply is not base64 (encryption off?)") from err
    if not data or len(data) % BLOCK:
        raise SewEncryptionMismatchError("reply is not a whole number of AES blocks")
    cipher = AES.new(raw, AES.MODE_CBC, iv=raw[:BLOCK])
    return unpad(cipher.decrypt(data))


def encode_query(params: Mapping[str, str]) -> str:
    """The form-style parameter string that gets encrypted (``a=1&b=x%40y``)."""
    return urllib.parse.urlencode(params)


def encrypt_query(params: Mapping[str, str], key: str) -> str:
    """Return the ``EncQuery`` value for these parameters."""
    return encrypt_bytes(encode_query(params).encode("utf-8"), key)


def decrypt_query(enc_query: str, key: str) -> dict[str, str]:
    """Return the parameters inside an ``EncQuery`` (for tests and diagnostics)."""
    plain = decrypt_text(enc_query, key)
    return dict(urllib.parse.parse_qsl(plain, keep_blank_values=True))


def decrypt_text(text: str, key: str) -> str:
    """Decrypt an encrypted reply to its UTF-8 text."""
    try:
        return decrypt_bytes(text, key).decode("utf-8")
    except UnicodeDecodeError as err:
        raise SewEncryptionMismatchError("reply decrypted to non-text (wrong key?)") from err


def password_digest(password: str, encoding: PasswordDigest = PasswordDigest.HEX) -> str:
    """The SHA-256 digest of the password as flavor A sends it."""
    digest = hashlib.sha256(password.encode("utf-8"))
    if encoding is PasswordDigest.BASE64:
        return base64.b64encode(digest.digest()).decode("ascii")
    return digest.hexdigest()
