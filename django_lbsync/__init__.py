"""django-lbsync: a Django project owns its database schema through LoopBack model JSON."""
from __future__ import annotations

__version__ = "0.1.0"

from .api import (  # noqa: E402
    AutomigrateResult, AutoupdateResult, ModelNames, attached_models, automigrate, autoupdate, db_names,
    desired_schema, get_plan, is_actual,
)
from .changes import Risk  # noqa: E402
from .discovery import discover_model_definitions, discover_model_properties, discover_schemas, write_models  # noqa
from .exceptions import (  # noqa: E402 - every public exception is defined there (tests/test_exceptions.py)
    ApplyFailed, AutomigrateRefused, Cancelled, ChangesRefused, ConfigurationError, DatabaseUnreachable, DataChanged,
    DefinitionError, DefinitionProblem, LbsyncError, LockTimeout, MissingHandler, OnlineRefused, OnlineUnsupported,
    OtherModelFiles, RebuildRefused, RefusedValue, StatementFailed, StepFailed, TooManyRelations, UnknownModel,
    UnsafeLiveName, UnsupportedDatabase,
)
from .plan import Plan  # noqa: E402

__all__ = [
    "DefinitionProblem",
    "RefusedValue",
    "MissingHandler",
    "OtherModelFiles",
    "OnlineRefused",
    "OnlineUnsupported",
    "StepFailed",
    "UnsupportedDatabase",
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
