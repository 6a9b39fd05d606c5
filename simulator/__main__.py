"""``python -m simulator``: serve every vendor cloud until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import Simulator


async def _serve(host: str, port: int, scenarios: dict[str, str]) -> None:
    simulator = Simulator(scenarios=scenarios)
    root = await simulator.start(host, port)
    print(f"Simulator control API: {root}/_sim", flush=True)
    for key in simulator.vendors:
        print(f"{key} base URL: {simulator.base_url(key)}", flush=True)
        for name, url in simulator.host_urls(key).items():
            print(f"  {key} {name} host: {url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.stop()


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8300, help="port to bind; 0 picks a free one")
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="VENDOR=NAME",
        help="start a vendor with a named scenario (e.g. sew=short_history); repeatable",
    )
    args = parser.parse_args()
    scenarios: dict[str, str] = {}
    for item in args.scenario:
        vendor, separator, name = item.partition("=")
        if not separator or not vendor or not name:
            parser.error(f"--scenario takes VENDOR=NAME, not {item!r}")
        scenarios[vendor] = name
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, scenarios))


if __name__ == "__main__":
    main()
