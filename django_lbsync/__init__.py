"""django-lbsync: a Django project owns its database schema through LoopBack model JSON."""
from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Public names are imported on first use (PEP 562): Django imports this package for every process of a
# project that lists the app (each web worker too), and the schema machinery behind these names costs
# about 0.1 s to import. Only processes that sync, check or discover pay it.
_PUBLIC = {
    "api": ("AutomigrateResult", "AutoupdateResult", "ModelNames", "attached_models", "automigrate", "autoupdate",
            "db_names", "desired_schema", "get_plan", "is_actual"),
    "changes": ("Risk",),
    "discovery": ("discover_model_definitions", "discover_model_properties", "discover_schemas", "write_models"),
    # every public exception is defined there (tests/test_exceptions.py)
    "exceptions": ("ApplyFailed", "AutomigrateRefused", "Cancelled", "CatalogInconsistent", "ChangesRefused",
                   "ConfigurationError", "DatabaseUnreachable", "DataChanged", "DefinitionError", "DefinitionProblem",
                   "LbsyncError", "LockTimeout", "MissingHandler", "OnlineRefused", "OnlineUnsupported", "OtherModelFiles",
                   "RebuildRefused", "RefusedValue", "RunStage", "StatementFailed", "StepFailed", "TooManyRelations",
                   "UnknownModel", "UnsafeLiveName", "UnsupportedDatabase"),
    "plan": ("Plan",),
}
_MODULE_OF = {name: module for module, names in _PUBLIC.items() for name in names}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .api import (
        AutomigrateResult, AutoupdateResult, ModelNames, attached_models, automigrate, autoupdate, db_names,
        desired_schema, get_plan, is_actual,
    )
    from .changes import Risk
    from .discovery import discover_model_definitions, discover_model_properties, discover_schemas, write_models
    from .exceptions import (
        ApplyFailed, AutomigrateRefused, Cancelled, CatalogInconsistent, ChangesRefused, ConfigurationError,
        DatabaseUnreachable,
        DataChanged, DefinitionError, DefinitionProblem, LbsyncError, LockTimeout, MissingHandler, OnlineRefused,
        OnlineUnsupported, OtherModelFiles, RebuildRefused, RefusedValue, RunStage, StatementFailed, StepFailed,
        TooManyRelations, UnknownModel, UnsafeLiveName, UnsupportedDatabase,
    )
    from .plan import Plan


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        # `django_lbsync.api.x` after a bare `import django_lbsync` worked while this file imported api.
        # Only a plain name can be a submodule: find_spec("a.b") would look for a package `a` and raise.
        if name.isidentifier() and not name.startswith("_") \
                and importlib.util.find_spec(f"{__name__}.{name}") is not None:
            return importlib.import_module(f".{name}", __name__)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


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
    "RunStage",
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
    "CatalogInconsistent",
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
