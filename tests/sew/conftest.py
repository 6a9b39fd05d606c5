"""SEW fixtures: the fake cloud, an HTTP session, and clients for either flavor."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import date, timedelta
from typing import Any

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.sew import Flavor, SewClient, get_utility
from simulator import Simulator
from simulator.sew import PASSWORD, TIME_ZONE, USERNAME, SewCloud

HOSTS = {Flavor.PORTAL: "portal_a", Flavor.API: "api_b"}

type ClientFactory = Callable[..., SewClient]


@pytest.fixture
async def http() -> AsyncGenerator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def sew_cloud(simulator: Simulator) -> SewCloud:
    cloud: SewCloud = simulator.cloud("sew")
    return cloud


@pytest.fixture(params=[Flavor.PORTAL, Flavor.API], ids=["portal_a", "api_b"])
def flavor(request: pytest.FixtureRequest) -> Flavor:
    """Each test using this runs once per API flavor."""
    value: Flavor = request.param
    return value


@pytest.fixture
def make_client(simulator: Simulator, http: aiohttp.ClientSession, flavor: Flavor) -> ClientFactory:
    """Build clients of the fake utility ("Other SEW utility" pointed at the flavor's host)."""

    def factory(
        username: str = USERNAME,
        password: str = PASSWORD,
        *,
        encrypted: bool | None = None,
        **kwargs: Any,
    ) -> SewClient:
        utility = get_utility("other").with_endpoint(
            simulator.host_url("sew", HOSTS[flavor]), flavor, encrypted=encrypted
        )
        kwargs.setdefault("default_time_zone", TIME_ZONE)
        return SewClient(http, utility, username, password, **kwargs)

    return factory


@pytest.fixture
def client(make_client: ClientFactory) -> SewClient:
    return make_client()


@pytest.fixture
def today(sew_cloud: SewCloud, simulator: Simulator) -> date:
    """The utility's local date now."""
    return sew_cloud.backend.book.today(simulator.clock.time())


def days_ago(today: date, days: int) -> date:
    return today - timedelta(days=days)
