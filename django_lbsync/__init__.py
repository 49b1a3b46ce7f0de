"""django-lbsync: a Django project owns its database schema through LoopBack model JSON."""
from __future__ import annotations

__version__ = "0.1.0"

from .api import (  # noqa: E402
    AutomigrateResult, AutoupdateResult, Cancelled, ModelNames, attached_models, automigrate, autoupdate, db_names,
    desired_schema, get_plan, is_actual,
)
from .apply import ApplyFailed, DataChanged  # noqa: E402
from .connecting import DatabaseUnreachable  # noqa: E402
from .dependents import AutomigrateRefused  # noqa: E402
from .rebuild import RebuildRefused  # noqa: E402
from .batch import StatementFailed, TooManyRelations  # noqa: E402
from .changes import Risk  # noqa: E402
from .discovery import discover_model_definitions, discover_model_properties, discover_schemas, write_models  # noqa
from .exceptions import (  # noqa: E402
    ChangesRefused, ConfigurationError, DefinitionError, LbsyncError, UnknownModel, UnsafeLiveName,
)
from .locking import LockTimeout  # noqa: E402
from .plan import Plan  # noqa: E402

__all__ = [
    "ApplyFailed",
    "AutomigrateRefused",
    "DataChanged",
    "DatabaseUnreachable",
    "RebuildRefused",
    "AutoupdateResult",
    "ChangesRefused",
    "LockTimeout",
    "Plan",
    "Risk",
    "StatementFailed",
    "TooManyRelations",
    "autoupdate",
    "discover_model_definitions",
    "discover_model_properties",
    "discover_schemas",
    "write_models",
    "db_names",
    "ModelNames",
    "get_plan",
    "is_actual",
    "AutomigrateResult",
    "Cancelled",
    "ConfigurationError",
    "DefinitionError",
    "LbsyncError",
    "UnknownModel",
    "UnsafeLiveName",
    "attached_models",
    "automigrate",
    "desired_schema",
    "__version__",
]
