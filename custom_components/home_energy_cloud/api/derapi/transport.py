"""HTTP status and problem+json bodies into typed Derapi errors (notes §8.2)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import json
import math

from .exceptions import (
    DerapiAuthError,
    DerapiBadRequestError,
    DerapiConnectionError,
    DerapiError,
    DerapiForbiddenError,
    DerapiNotFoundError,
    DerapiProtocolError,
    DerapiRateLimitError,
    DerapiVendorError,
    DerapiVendorTimeoutError,
)
from .models import DerapiProblem, parse_problem


def problem_from_text(text: str) -> DerapiProblem | None:
    """The problem+json body, or None when the body is not one (a proxy's HTML page)."""
    try:
        return parse_problem(json.loads(text))
    except (ValueError, DerapiProtocolError):
        return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def error_for_status(
    status: int, text: str, *, what: str, retry_after: str | None = None
) -> DerapiError:
    """The typed error for a non-2xx answer to `what` (e.g. "GET /sites")."""
    problem = problem_from_text(text)
    summary = f"{what}: HTTP {status}"
    if problem is not None:
        summary += f" {problem.title}"
        if problem.detail:
            summary += f": {problem.detail}"
    if status == 401:
        return DerapiAuthError(summary, status=status, problem=problem)
    if status == 403:
        return DerapiForbiddenError(summary, status=status, problem=problem)
    if status == 404:
        return DerapiNotFoundError(summary, status=status, problem=problem)
    if status == 429:
        return DerapiRateLimitError(
            summary, retry_after=parse_retry_after(retry_after), problem=problem
        )
    if status == 502:
        return DerapiVendorError(summary, status=status, problem=problem)
    if status == 504:
        return DerapiVendorTimeoutError(summary, status=status, problem=problem)
    if status >= 500:
        return DerapiConnectionError(summary, status=status, problem=problem)
    return DerapiBadRequestError(summary, status=status, problem=problem)
