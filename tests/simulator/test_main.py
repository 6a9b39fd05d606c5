"""``python -m simulator`` as a newcomer runs it."""

from __future__ import annotations

import asyncio
from pathlib import Path
import re
import sys

import aiohttp


async def test_python_m_simulator_serves_and_prints_base_urls(socket_enabled: None) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parents[2],  # the repository root, where the package is
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        second = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        control = re.fullmatch(r"Simulator control API: (http://127\.0\.0\.1:\d+/_sim)\n", first)
        assert control is not None
        electra = re.fullmatch(r"electra base URL: (http://127\.0\.0\.1:\d+)\n", second)
        assert electra is not None
        assert electra[1] != control[1].removesuffix("/_sim"), "each vendor has its own origin"
        async with aiohttp.ClientSession() as session, session.get(control[1]) as response:
            body = await response.json()
        assert body["vendors"]["electra"] == electra[1]
        assert body["hosts"]["electra"] == {"api": electra[1]}
    finally:
        process.terminate()
        await process.wait()


async def test_a_vendor_can_start_with_a_named_scenario(socket_enabled: None) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        "--scenario",
        "sew=short_history",
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        control = re.fullmatch(r"Simulator control API: (http://127\.0\.0\.1:\d+/_sim)\n", first)
        assert control is not None
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{control[1]}/sew/settings") as response,
        ):
            body = await response.json()
        assert body["scenario"] == "short_history"
    finally:
        process.terminate()
        await process.wait()


async def test_a_scenario_needs_vendor_and_name() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--scenario",
        "short_history",
        stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert b"VENDOR=NAME" in stderr
