"""Fake of Derapi (api.derapi.com, auth.derapi.com) and the vendor token endpoints it needs.

Modules: :mod:`.cloud` (hosts and Python API), :mod:`.api` (the API host), :mod:`.auth`
(Derapi's token host), :mod:`.vendor_auth` (SMA/Enphase/Tesla token endpoints and the
``X-Authorization-<vendor>`` checks), :mod:`.tokens`, :mod:`.state`, :mod:`.curves` (solar and
battery energy), :mod:`.scenario` (accounts), :mod:`.problems`, :mod:`.control`.
"""

from .cloud import DerapiCloud

__all__ = ["DerapiCloud"]
