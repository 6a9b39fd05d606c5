"""RFC 7807 problem+json answers, as Derapi's current API sends them (notes §8.2)."""

from __future__ import annotations

import json
from typing import Final

from aiohttp import web

ERRORS_DOC: Final = "https://docs.derapi.com/reference/errors"


def problem(
    status: int, title: str, detail: str | None = None, *, headers: dict[str, str] | None = None
) -> web.Response:
    """A problem+json response."""
    body: dict[str, object] = {
        "type": f"{ERRORS_DOC}#{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    return web.Response(
        status=status,
        text=json.dumps(body),
        content_type="application/problem+json",
        headers=headers,
    )


def vendor_failure(access: str, vendor: str) -> web.Response:
    """A detail request's answer when its vendor cannot be asked."""
    if access == "timeout":
        return problem(504, "Gateway Timeout", f"timed out waiting for {vendor}")
    if access == "error":
        return problem(502, "Bad Gateway", f"{vendor} returned an error")
    return problem(403, "Forbidden", f"missing or invalid credentials for {vendor}")


def list_error_message(access: str, vendor: str, url: str) -> str:
    """A list's `errors` entry for a vendor that could not be asked (notes §8.1)."""
    if access == "timeout":
        return f"Gateway Timeout: {url}"
    if access == "error":
        return f"Bad Gateway: {url}"
    return f"Unauthorized: {url}"
