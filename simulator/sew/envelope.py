"""The PortalService AES envelope as the cloud implements it (AES-CBC, PKCS#5, key = IV)."""

from __future__ import annotations

import base64
import binascii
import urllib.parse

from Crypto.Cipher import AES


class EnvelopeError(ValueError):
    """The request could not be decrypted or read."""


def encrypt_text(text: str, key: str) -> str:
    """Base64 of AES-CBC over the UTF-8 text with PKCS#5 padding."""
    raw = key.encode()
    data = text.encode()
    pad = 16 - len(data) % 16
    cipher = AES.new(raw, AES.MODE_CBC, iv=raw[:16])
    return base64.b64encode(cipher.encrypt(data + bytes([pad]) * pad)).decode()


def decrypt_params(enc_query: str, key: str) -> dict[str, str]:
    """The form parameters inside an EncQuery."""
    raw = key.encode()
    try:
        data = base64.b64decode(enc_query, validate=True)
    except (binascii.Error, ValueError) as err:
        raise EnvelopeError("EncQuery is not base64") from err
    if not data or len(data) % 16:
        raise EnvelopeError("EncQuery is not whole AES blocks")
    plain = AES.new(raw, AES.MODE_CBC, iv=raw[:16]).decrypt(data)
    pad = plain[-1]
    if not 1 <= pad <= 16 or plain[-pad:] != bytes([pad]) * pad:
        raise EnvelopeError("bad padding")
    try:
        text = plain[:-pad].decode()
    except UnicodeDecodeError as err:
        raise EnvelopeError("not text") from err
    return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
