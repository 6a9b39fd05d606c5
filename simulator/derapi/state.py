"""Everything the Derapi fake holds, and the rules that decide what a request may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from ..clock import SimClock
from . import scenario
from .tokens import TokenStore
from .vendor_auth import HEADER_VENDORS, VendorAuthority

DERAPI_TOKEN_LIFETIME: Final = 3600.0
SUPPORTED_API_VERSIONS: Final = frozenset({"v2024-09-01"})

type EnergyOf = Callable[[float, float], float]
"""Energy in kWh between two Unix times."""
type Access = Literal["ok", "unauthorized", "timeout", "error"]
FAILURE_KINDS: Final = ("unauthorized", "timeout", "error")

# The vendor URL Derapi names in an "Unauthorized: <url>" message (notes §8.1 example).
VENDOR_URLS: Final = {
    "sma": "https://monitoring.smaapis.de/v1/plants",
    "solis": "https://www.soliscloud.com:13333/v1/api/inverterList",
    "solaredge": "https://monitoringapi.solaredge.com/sites/list",
    "enphase": "https://api.enphaseenergy.com/api/v4/systems",
    "tesla": "https://fleet-api.prd.na.vn.cloud.tesla.com/api/1/products",
    "virtual": "https://api.derapi.com/virtual",
}


@dataclass(frozen=True)
class DerapiClientAccount:
    """A Derapi API client: its secret, and whether Derapi stores its vendor credentials."""

    secret: str
    stored_credentials: bool
    virtual: bool = False


@dataclass
class Settings:
    """Switches for behaviour the notes leave open or that tests want to force.

    `generation`: "current" answers v2024-09-01 object lists; "legacy" the seed doc's URL lists
    (an account on the older API, which ignores `api-version`). `max_page_size` caps what a
    client asks for. `repeat_page_token`: a broken server that hands out the same token forever.
    `interval_lag`: seconds after its end before an interval is served (Derapi's data lags the
    vendors', notes §12; how much is the vendor's, so 0 unless a test asks).
    """

    generation: Literal["current", "legacy"] = "current"
    max_page_size: int = 50
    repeat_page_token: bool = False
    token_lifetime: float = DERAPI_TOKEN_LIFETIME
    interval_lag: float = 0.0

    def update(self, spec: Any) -> None:
        """Apply a control-API body; everything is checked before anything changes."""
        if not isinstance(spec, dict):
            raise ValueError("expected a JSON object")  # noqa: TRY004 - one error type for the API
        unknown = set(spec) - {
            "generation",
            "max_page_size",
            "repeat_page_token",
            "token_lifetime",
            "interval_lag",
        }
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        generation = spec.get("generation", self.generation)
        if generation not in ("current", "legacy"):
            raise ValueError("generation must be 'current' or 'legacy'")
        size = spec.get("max_page_size", self.max_page_size)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError("max_page_size must be a whole number >= 1")
        repeat = spec.get("repeat_page_token", self.repeat_page_token)
        if not isinstance(repeat, bool):
            raise ValueError("repeat_page_token must be a boolean")  # noqa: TRY004
        lifetime = spec.get("token_lifetime", self.token_lifetime)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            raise ValueError("token_lifetime must be a number > 0")
        lag = spec.get("interval_lag", self.interval_lag)
        if isinstance(lag, bool) or not isinstance(lag, int | float) or lag < 0:
            raise ValueError("interval_lag must be a number >= 0")
        self.generation = generation
        self.max_page_size = size
        self.repeat_page_token = repeat
        self.token_lifetime = float(lifetime)
        self.interval_lag = float(lag)

    def as_dict(self) -> dict[str, Any]:
        """The settings as the control API reports them."""
        return {
            "generation": self.generation,
            "max_page_size": self.max_page_size,
            "repeat_page_token": self.repeat_page_token,
            "token_lifetime": self.token_lifetime,
            "interval_lag": self.interval_lag,
        }


@dataclass
class InjectedProblem:
    """The next `count` API requests answer this problem+json (e.g. a 429 with Retry-After)."""

    status: int
    count: int
    retry_after: str | None = None


@dataclass(frozen=True)
class IntervalRevision:
    """A vendor's correction: a device's interval energy in [start, end) is now `factor` x true.

    Vendors revise past intervals (a device that uploads late, a meter reading fixed), and
    Derapi serves the revised data for the same windows. `factor` 0 is an hour first reported
    empty.
    """

    device_id: str
    start: float
    end: float
    factor: float

    def as_dict(self) -> dict[str, Any]:
        """The revision as the control API reports it."""
        return {
            "device": self.device_id,
            "start": datetime.fromtimestamp(self.start, UTC).isoformat(),
            "end": datetime.fromtimestamp(self.end, UTC).isoformat(),
            "factor": self.factor,
        }


@dataclass
class DerapiState:
    """The account, the tokens, the settings and what was asked."""

    clock: SimClock
    account: scenario.Account = field(default_factory=scenario.default_account)
    settings: Settings = field(default_factory=Settings)
    clients: dict[str, DerapiClientAccount] = field(
        default_factory=lambda: {
            scenario.CLIENT_ID: DerapiClientAccount(scenario.CLIENT_SECRET, False),
            scenario.STORED_CLIENT_ID: DerapiClientAccount(scenario.STORED_CLIENT_SECRET, True),
            scenario.SANDBOX_CLIENT_ID: DerapiClientAccount(
                scenario.SANDBOX_CLIENT_SECRET, False, virtual=True
            ),
        }
    )
    vendor_failures: dict[str, str] = field(default_factory=dict)
    problems: list[InjectedProblem] = field(default_factory=list)
    # site id -> the battery-control intervals last PUT (request bodies, as sent)
    battery_controls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    # Later revisions replace the earlier ones of the same device they overlap.
    revisions: list[IntervalRevision] = field(default_factory=list)
    token_mints: int = 0
    tokens: TokenStore = field(init=False)
    vendors: VendorAuthority = field(init=False)

    def __post_init__(self) -> None:
        """Token stores on the shared clock."""
        self.tokens = TokenStore(self.clock, "derapi-at-")
        self.vendors = VendorAuthority(self.clock)

    def vendor_access(self, client_id: str, headers: Any) -> dict[str, Access]:
        """What Derapi may ask each vendor for this request; vendors not asked are absent."""
        client = self.clients[client_id]
        access: dict[str, Access]
        if client.stored_credentials:
            access = dict.fromkeys(HEADER_VENDORS, "ok")
        else:
            access = {
                vendor: "ok" if valid else "unauthorized"
                for vendor, valid in self.vendors.check_headers(headers).items()
            }
        if client.virtual:
            access["virtual"] = "ok"
        for vendor, failure in self.vendor_failures.items():
            if access.get(vendor) == "ok":
                access[vendor] = failure  # type: ignore[assignment]
        return access

    def revise(self, revision: IntervalRevision) -> None:
        """Apply a vendor's correction (it replaces the device's overlapping ones)."""
        self.revisions = [
            kept
            for kept in self.revisions
            if kept.device_id != revision.device_id
            or kept.end <= revision.start
            or revision.end <= kept.start
        ]
        if revision.factor != 1.0:
            self.revisions.append(revision)

    def revised(self, device_id: str, start: float, end: float, energy: EnergyOf) -> float:
        """`energy(start, end)` of a device as its vendor now reports it."""
        total = energy(start, end)
        for revision in self.revisions:
            if revision.device_id != device_id:
                continue
            low, high = max(start, revision.start), min(end, revision.end)
            if low < high:
                total += (revision.factor - 1.0) * energy(low, high)
        return total
