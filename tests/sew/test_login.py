"""Logging in on both flavors, and every way it can fail, against the fake utility."""

from __future__ import annotations

import hashlib
import json
from unittest.mock import patch

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.exceptions import (
    ApiAuthError,
    ApiConnectionError,
    ApiProtocolError,
    ApiTimeoutError,
)
from custom_components.home_energy_cloud.api.sew import (
    Flavor,
    PasswordDigest,
    SewAuthError,
    SewClient,
    SewConnectionError,
    SewEncryptionMismatchError,
    SewLoginResult,
    SewMaintenanceError,
    SewProtocolError,
    SewTimeoutError,
    decrypt_query,
    get_utility,
)
from simulator import Simulator
from simulator.sew import PASSWORD, USER_ID, USERNAME, SewCloud

from .conftest import ClientFactory


async def test_login_succeeds(client: SewClient, sew_cloud: SewCloud) -> None:
    result = await client.login()
    assert isinstance(result, SewLoginResult)
    assert result.user_id == USER_ID
    assert sew_cloud.backend.sessions.logins == 1


async def test_username_is_case_insensitive(make_client: ClientFactory) -> None:
    assert isinstance(await make_client(USERNAME.upper()).login(), SewLoginResult)


@pytest.mark.parametrize(
    ("username", "password"), [(USERNAME, "wrong"), ("nobody@x.org", PASSWORD)]
)
async def test_wrong_credentials_are_an_auth_error(
    make_client: ClientFactory, username: str, password: str
) -> None:
    client = make_client(username, password)
    with pytest.raises(SewAuthError) as caught:
        await client.login()
    assert isinstance(caught.value, ApiAuthError)
    assert password not in str(caught.value)
    # Data calls log in lazily and fail the same way.
    with pytest.raises(SewAuthError):
        await client.get_accounts()


async def test_maintenance_is_transient(client: SewClient, sew_cloud: SewCloud) -> None:
    sew_cloud.backend.maintenance = True
    with pytest.raises(SewMaintenanceError) as caught:
        await client.login()
    assert isinstance(caught.value, ApiConnectionError)
    assert caught.value.status == 503


async def test_server_errors_are_transient(client: SewClient, simulator: Simulator) -> None:
    simulator.faults("sew").update({"http_errors": 1, "http_error_status": 502})
    with pytest.raises(SewConnectionError) as caught:
        await client.login()
    assert caught.value.status == 502
    assert not isinstance(caught.value, SewMaintenanceError)
    assert isinstance(await client.login(), SewLoginResult)


async def test_dropped_connection_is_transient(client: SewClient, simulator: Simulator) -> None:
    simulator.faults("sew").update({"disconnects": 1})
    with pytest.raises(SewConnectionError) as caught:
        await client.login()
    assert caught.value.status is None


async def test_malformed_reply_is_a_protocol_error(client: SewClient, simulator: Simulator) -> None:
    simulator.faults("sew").update({"malformed": 1})
    with pytest.raises(ApiProtocolError):
        await client.login()


async def test_timeout(make_client: ClientFactory, simulator: Simulator) -> None:
    simulator.faults("sew").update({"latency": 0.5})
    client = make_client(request_timeout=0.05)
    with pytest.raises(SewTimeoutError) as caught:
        await client.login()
    assert isinstance(caught.value, ApiTimeoutError)


async def test_unreachable_utility(
    socket_enabled: None, http: aiohttp.ClientSession, flavor: Flavor
) -> None:
    utility = get_utility("other").with_endpoint("http://127.0.0.1:9", flavor)
    client = SewClient(http, utility, USERNAME, PASSWORD)
    with pytest.raises(SewConnectionError):
        await client.login()


def test_client_repr_has_no_secrets(client: SewClient) -> None:
    text = repr(client)
    assert USERNAME not in text
    assert PASSWORD not in text


# -- flavor A's encryption settings ----------------------------------------------------------

PORTAL = pytest.mark.parametrize("flavor", [Flavor.PORTAL], indirect=True)


@PORTAL
async def test_portal_sends_the_seed_envelope(
    client: SewClient, sew_cloud: SewCloud, simulator: Simulator
) -> None:
    sent: list[object] = []
    original = aiohttp.ClientSession._request

    async def spy(self: aiohttp.ClientSession, method: str, url: str, **kwargs: object) -> object:
        sent.append(kwargs.get("json"))
        return await original(self, method, url, **kwargs)

    with patch.object(aiohttp.ClientSession, "_request", spy):
        await client.login()
    (body,) = sent
    assert isinstance(body, dict)
    assert set(body) == {"EncType", "EncQuery"}
    assert body["EncType"] == "A"
    params = decrypt_query(body["EncQuery"], "PasswordPassword")
    assert params["UserId"] == USERNAME
    assert params["Password"] == hashlib.sha256(PASSWORD.encode()).hexdigest()


@PORTAL
async def test_portal_encryption_off(make_client: ClientFactory, sew_cloud: SewCloud) -> None:
    sew_cloud.host_settings("portal_a").encrypted = False
    client = make_client(encrypted=False)
    assert isinstance(await client.login(), SewLoginResult)
    assert len(await client.get_accounts()) == 2


@PORTAL
@pytest.mark.parametrize(("server_encrypts", "client_encrypts"), [(True, False), (False, True)])
async def test_encryption_mismatch_is_reported(
    make_client: ClientFactory, sew_cloud: SewCloud, server_encrypts: bool, client_encrypts: bool
) -> None:
    sew_cloud.host_settings("portal_a").encrypted = server_encrypts
    client = make_client(encrypted=client_encrypts)
    with pytest.raises(SewEncryptionMismatchError) as caught:
        await client.login()
    assert isinstance(caught.value, SewProtocolError)


@PORTAL
async def test_i_envelope(
    make_client: ClientFactory, sew_cloud: SewCloud, simulator: Simulator
) -> None:
    sew_cloud.host_settings("portal_a").envelope = "I"
    with pytest.raises(SewEncryptionMismatchError):
        await make_client().login()
    utility = get_utility("nppd").with_endpoint(
        simulator.host_url("sew", "portal_a"), Flavor.PORTAL
    )
    utility = _with_portal(utility, envelope="I")
    async with aiohttp.ClientSession() as http:
        client = SewClient(http, utility, USERNAME, PASSWORD)
        assert isinstance(await client.login(), SewLoginResult)


async def test_wrong_key_is_a_mismatch(simulator: Simulator, sew_cloud: SewCloud) -> None:
    sew_cloud.host_settings("portal_a").key = "AnotherKey123456"
    utility = get_utility("nppd").with_endpoint(
        simulator.host_url("sew", "portal_a"), Flavor.PORTAL
    )
    async with aiohttp.ClientSession() as http:
        with pytest.raises(SewEncryptionMismatchError):
            await SewClient(http, utility, USERNAME, PASSWORD).login()
        fixed = _with_portal(utility, key="AnotherKey123456")
        assert isinstance(await SewClient(http, fixed, USERNAME, PASSWORD).login(), SewLoginResult)


async def test_password_digest_encoding_is_a_setting(
    simulator: Simulator, sew_cloud: SewCloud
) -> None:
    sew_cloud.host_settings("portal_a").password_digest = "base64"
    utility = get_utility("nppd").with_endpoint(
        simulator.host_url("sew", "portal_a"), Flavor.PORTAL
    )
    async with aiohttp.ClientSession() as http:
        with pytest.raises(SewAuthError):
            await SewClient(http, utility, USERNAME, PASSWORD).login()
        fixed = _with_portal(utility, password_digest=PasswordDigest.BASE64)
        assert isinstance(await SewClient(http, fixed, USERNAME, PASSWORD).login(), SewLoginResult)


async def test_api_flavor_refuses_login_without_get_id(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            simulator.host_url("sew", "api_b") + "/API/UserLogin/ValidateUserLogin",
            json={"UserId": USERNAME, "password": PASSWORD},
        )
        assert response.status == 401
        body = json.loads(await response.text())
        assert body["status_code"] == 401


def _with_portal(utility: object, **changes: object) -> object:
    from dataclasses import replace

    return replace(utility, portal=replace(utility.portal, **changes))  # type: ignore[attr-defined]


async def test_methods_without_the_mob_suffix(simulator: Simulator, sew_cloud: SewCloud) -> None:
    utility = get_utility("nppd").with_endpoint(
        simulator.host_url("sew", "portal_a"), Flavor.PORTAL
    )
    plain_names = _with_portal(utility, method_suffix="")
    async with aiohttp.ClientSession() as http:
        client = SewClient(http, plain_names, USERNAME, PASSWORD)  # type: ignore[arg-type]
        assert len(await client.get_accounts()) == 2
    assert sew_cloud.stats()["calls"]["portal_a:UserLogin.GetUserSetting"] == 1
