"""Each Derapi vendor's health, and the repair issue that asks for a refused credential.

Derapi answers for many vendor clouds at once; one of them failing is reported per vendor
(a list's ``errors`` map, a 403/502/504 on a device) and must not fail the account. Here a
failure is a warning in the log once and, when the vendor said "Unauthorized", a repair issue
naming the vendor; both clear by themselves when the vendor answers again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from ..api.derapi import is_unauthorized_message
from ..const import DOMAIN, LOGGER
from .const import vendor_name


@dataclass(frozen=True, slots=True)
class VendorProblem:
    """Why a vendor is failing, in Derapi's words."""

    message: str

    @property
    def unauthorized(self) -> bool:
        """Whether the vendor refused the credential (the user has to act)."""
        return is_unauthorized_message(self.message)


def unauthorized_issue_id(entry_id: str, vendor: str) -> str:
    """The repair issue of one vendor of one entry."""
    return f"derapi_vendor_unauthorized_{entry_id}_{vendor}"


class VendorHealth:
    """The failing vendors of one entry, kept in step with the repair issues and the log."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        """Nothing is failing until a refresh says so."""
        self._hass = hass
        self._entry_id = entry.entry_id
        self._title = entry.title
        self.problems: dict[str, VendorProblem] = {}

    def is_healthy(self, vendor: str) -> bool:
        """Whether the vendor answered last time it was asked."""
        return vendor not in self.problems

    def update(self, failed: Mapping[str, str], answered: Iterable[str]) -> None:
        """Record vendors that failed (vendor -> message) and vendors that answered.

        A vendor in neither keeps its state: this refresh did not ask it.
        """
        for vendor in answered:
            if vendor not in failed:
                self._recovered(vendor)
        for vendor, message in failed.items():
            self._failed(vendor, VendorProblem(message))

    def _failed(self, vendor: str, problem: VendorProblem) -> None:
        previous = self.problems.get(vendor)
        self.problems[vendor] = problem
        if previous is None or previous.unauthorized != problem.unauthorized:
            # Contained: the other vendors keep updating, so a warning, not an error.
            LOGGER.warning(
                "%s: %s is failing behind Derapi (%s); its devices are unavailable",
                self._title,
                vendor_name(vendor),
                problem.message,
            )
        if problem.unauthorized:
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                unauthorized_issue_id(self._entry_id, vendor),
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="derapi_vendor_unauthorized",
                translation_placeholders={"vendor": vendor_name(vendor), "title": self._title},
            )
        else:
            ir.async_delete_issue(self._hass, DOMAIN, unauthorized_issue_id(self._entry_id, vendor))

    def _recovered(self, vendor: str) -> None:
        if self.problems.pop(vendor, None) is not None:
            LOGGER.info("%s: %s answers again", self._title, vendor_name(vendor))
        ir.async_delete_issue(self._hass, DOMAIN, unauthorized_issue_id(self._entry_id, vendor))

    def clear(self) -> None:
        """Drop every issue of the entry (it is unloaded or removed)."""
        for vendor in list(self.problems):
            ir.async_delete_issue(self._hass, DOMAIN, unauthorized_issue_id(self._entry_id, vendor))
        self.problems.clear()
