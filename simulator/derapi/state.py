"""Everything the Derapi fake holds, and the rules that decide what a request may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ..clock import SimClock
from . import scenario
from .tokens import TokenStore
from .vendor_auth import HEADER_VENDORS, VendorAuthority

DERAPI_TOKEN_LIFETIME: Final = 3600.0
SUPPORTED_API_VERSIONS: Final = frozenset({"v2024-09-01"})

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
    """

    generation: Literal["current", "legacy"] = "current"
    max_page_size: int = 50
    repeat_page_token: bool = False
    token_lifetime: float = DERAPI_TOKEN_LIFETIME

    def update(self, spec: Any) -> None:
        """Apply a control-API body; everything is checked before anything changes."""
        if not isinstance(spec, dict):
            raise ValueError("expected a JSON object")  # noqa: TRY004 - one error type for the API
        unknown = set(spec) - {"generation", "max_page_size", "repeat_page_token", "token_lifetime"}
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
        self.generation = generation
        self.max_page_size = size
        self.repeat_page_token = repeat
        self.token_lifetime = float(lifetime)

    def as_dict(self) -> dict[str, Any]:
        """The settings as the control API reports them."""
        return {
            "generation": self.generation,
            "max_page_size": self.max_page_size,
            "repeat_page_token": self.repeat_page_token,
            "token_lifetime": self.token_lifetime,
        }


@dataclass
class InjectedProblem:
    """The next `count` API requests answer this problem+json (e.g. a 429 with Retry-After)."""

    status: int
    count: int
    retry_after: str | None = None


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
