"""django-lbsync: a Django project owns its database schema through LoopBack model JSON."""
from __future__ import annotations

__version__ = "0.1.0"

from .api import AutomigrateResult, Cancelled, attached_models, automigrate, desired_schema  # noqa: E402
from .exceptions import ConfigurationError, DefinitionError, LbsyncError, UnknownModel  # noqa: E402

__all__ = [
    "AutomigrateResult",
    "Cancelled",
    "ConfigurationError",
    "DefinitionError",
    "LbsyncError",
    "UnknownModel",
    "attached_models",
    "automigrate",
    "desired_schema",
    "__version__",
]
