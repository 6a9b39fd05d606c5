"""Vendor cloud API clients.

Nothing under this package imports Home Assistant: each client is plain asyncio on an injected
aiohttp session, so it can be tested alone and published as a library later.
"""
