"""Lazy login, expiry and the single retry, and the second factor."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.home_energy_cloud.api.sew import (
    Flavor,
    SewAuthError,
    SewClient,
    SewCodeRequired,
    SewCodeRequiredError,
    SewInvalidCodeError,
    SewLoginResult,
)
from simulator import Simulator
from simulator.sew import (
    SECURE_ACCOUNT,
    TFA_DESTINATION,
    TFA_PASSWORD,
    TFA_USER_ID,
    TFA_USERNAME,
    SewCloud,
)

from .conftest import ClientFactory


async def test_first_call_logs_in_once_even_when_concurrent(
    client: SewClient, sew_cloud: SewCloud
) -> None:
    results = await asyncio.gather(*(client.get_accounts() for _ in range(5)))
    assert all(len(accounts) == 2 for accounts in results)
    assert client.logins == 1
    assert sew_cloud.backend.sessions.logins == 1


@pytest.mark.parametrize("in_json", [True, False], ids=["json_401", "http_401"])
async def test_expired_session_logs_in_again_and_retries_once(
    client: SewClient, sew_cloud: SewCloud, simulator: Simulator, flavor: Flavor, in_json: bool
) -> None:
    for host in sew_cloud.hosts:
        sew_cloud.host_settings(host).expiry_in_json = in_json
    accounts = await client.get_accounts()
    simulator.clock.advance(sew_cloud.token_lifetime + 1)
    meters = await client.get_meters(accounts[0])
    assert len(meters) == 2
    assert client.logins == 2


async def test_concurrent_expiry_causes_one_new_login(
    client: SewClient, sew_cloud: SewCloud
) -> None:
    accounts = await client.get_accounts()
    sew_cloud.expire_sessions()
    await asyncio.gather(*(client.get_meters(accounts[0]) for _ in range(4)))
    assert client.logins == 2


async def test_refused_fresh_session_is_an_auth_error(
    client: SewClient, sew_cloud: SewCloud
) -> None:
    await client.get_accounts()
    sew_cloud.token_lifetime = 0  # every token is dead on arrival
    sew_cloud.expire_sessions()
    with pytest.raises(SewAuthError):
        await client.get_accounts()
    assert client.logins == 2  # one new login, one retry, then give up


async def test_password_changed_meanwhile_is_an_auth_error(
    make_client: ClientFactory, sew_cloud: SewCloud
) -> None:
    client = make_client()
    accounts = await client.get_accounts()
    sew_cloud.backend.users[next(iter(sew_cloud.backend.users))].password = "changed"
    sew_cloud.expire_sessions()
    with pytest.raises(SewAuthError):
        await client.get_meters(accounts[0])


# -- second factor ---------------------------------------------------------------------------


async def test_second_factor(make_client: ClientFactory, sew_cloud: SewCloud) -> None:
    client = make_client(TFA_USERNAME, TFA_PASSWORD)
    outcome = await client.login()
    assert outcome == SewCodeRequired(TFA_DESTINATION)
    code = sew_cloud.otp_for(TFA_USERNAME)
    assert code is not None
    result = await client.submit_code(code)
    assert result.user_id == TFA_USER_ID
    (account,) = await client.get_accounts()
    assert account.account_number == SECURE_ACCOUNT

    # The device is trusted now: a later client with its id logs in without a code.
    again = make_client(TFA_USERNAME, TFA_PASSWORD, trusted_device_id=result.trusted_device_id)
    assert isinstance(await again.login(), SewLoginResult)
    assert sew_cloud.otp_for(TFA_USERNAME) is None


async def test_wrong_code_then_right_code(make_client: ClientFactory, sew_cloud: SewCloud) -> None:
    client = make_client(TFA_USERNAME, TFA_PASSWORD)
    await client.login()
    code = sew_cloud.otp_for(TFA_USERNAME)
    assert code is not None
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(SewInvalidCodeError):
        await client.submit_code(wrong)
    assert isinstance(await client.submit_code(code), SewLoginResult)


async def test_submit_code_without_a_login(make_client: ClientFactory) -> None:
    with pytest.raises(SewAuthError):
        await make_client(TFA_USERNAME, TFA_PASSWORD).submit_code("123456")


async def test_data_call_needing_a_code_asks_for_reauth(
    make_client: ClientFactory, sew_cloud: SewCloud
) -> None:
    client = make_client(TFA_USERNAME, TFA_PASSWORD)
    with pytest.raises(SewCodeRequiredError) as caught:
        await client.get_accounts()
    assert isinstance(caught.value, SewAuthError)
    assert sew_cloud.otp_for(TFA_USERNAME) is not None


async def test_idle_session_is_replaced_before_the_next_calls(
    make_client: ClientFactory, sew_cloud: SewCloud, simulator: Simulator, flavor: Flavor
) -> None:
    """After hours without calls, a refresh logs in first instead of failing every call once."""
    client = make_client(clock=simulator.clock.monotonic)
    accounts = await client.get_accounts()
    simulator.clock.advance(6 * 3600)
    calls_before = sum(sew_cloud.backend.calls.values())
    await asyncio.gather(*(client.get_meters(accounts[0]) for _ in range(3)))
    assert client.logins == 2
    calls = sum(sew_cloud.backend.calls.values()) - calls_before
    login_calls = 1 if flavor is Flavor.PORTAL else 2  # flavor B: GetId, then ValidateUserLogin
    assert calls == login_calls + 3


async def test_busy_session_is_kept(make_client: ClientFactory, simulator: Simulator) -> None:
    client = make_client(clock=simulator.clock.monotonic)
    accounts = await client.get_accounts()
    for _ in range(3):
        simulator.clock.advance(300)
        await client.get_meters(accounts[0])
    assert client.logins == 1
