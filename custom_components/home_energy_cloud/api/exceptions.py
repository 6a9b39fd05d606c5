"""Exceptions shared by every vendor client.

The Home Assistant glue maps these once (auth -> reauth, everything else -> a translated
UpdateFailed or form error), so vendor clients raise subclasses of these and nothing else.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base class of every error a vendor client raises."""


class ApiAuthError(ApiError):
    """The credentials or token were refused; only the user can fix this (reauth)."""


class ApiConnectionError(ApiError):
    """The cloud could not be reached (DNS, refused, reset, TLS, HTTP 5xx)."""


class ApiTimeoutError(ApiConnectionError):
    """The cloud did not answer in time."""


class ApiProtocolError(ApiError):
    """The cloud answered with something we cannot parse (not JSON, missing fields)."""


class ApiResponseError(ApiError):
    """The cloud understood the request and refused it (a business-level error code)."""
