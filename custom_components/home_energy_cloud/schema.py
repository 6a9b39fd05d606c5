"""The schema library Home Assistant validates with, for forms and service actions.

Home Assistant 2026 replaced voluptuous with probatio, which mirrors its API; older versions
have only voluptuous. Both can be importable at once (a package may pull voluptuous in), so the
choice follows the module Home Assistant's own config validation uses, not what imports. Type
checkers read the branch for the Python version in use, which in the supported range tells the
two apart (3.14: 2026.x; 3.13: 2025.4).
"""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    if sys.version_info >= (3, 14):
        import probatio as vol
    else:
        import voluptuous as vol
else:
    from homeassistant.helpers import config_validation as _cv

    vol = getattr(_cv, "probatio", None) or _cv.vol

__all__ = ["vol"]
