"""Reading JSON files with errors that say where (file, line, column)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .exceptions import DefinitionProblem


def read_json(path: Path, problems: list[DefinitionProblem]) -> Any | None:
    """Parse one file; on failure record a problem naming line and column and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problems.append(DefinitionProblem(f"cannot read file: {exc.strerror or exc}", path=path))
        return None
    except UnicodeDecodeError as exc:
        problems.append(DefinitionProblem(f"not UTF-8 text: byte {exc.start} cannot be decoded", path=path))
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(
            DefinitionProblem(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", path=path)
        )
    except ValueError as exc:  # e.g. an integer literal longer than Python's digit limit
        problems.append(DefinitionProblem(f"invalid JSON: {exc}", path=path))
    except RecursionError:
        problems.append(DefinitionProblem("invalid JSON: nested too deeply", path=path))
    return None
