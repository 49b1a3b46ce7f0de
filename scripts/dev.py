#!/usr/bin/env python3
"""Set-up and run in one step, on a machine with only python3.

    python3 scripts/dev.py demo   # venv + install, then automigrate the example models on SQLite
    python3 scripts/dev.py test   # venv + install (database drivers too), then the whole test suite

The virtual environment lives in .venv/ and is re-installed only when pyproject.toml changes.
Database drivers that cannot be installed here (mysqlclient needs a C client library,
mssql-django needs unixODBC) are skipped outside CI, and their tests skip with the reason;
under CI (CI=true) a failed install is an error.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def run(*args: str | Path, check: bool = True, **kwargs) -> int:
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=check, **kwargs).returncode


def ensure_venv(extras: list[str], optional_extras: list[str]) -> None:
    stamp = VENV / f".lbsync-{'-'.join(extras + optional_extras)}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not PYTHON.exists():
        print("Creating virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(*pip, "-e", f".[{','.join(extras)}]")
    for extra in optional_extras:
        code = run(*pip, "-e", f".[{extra}]", check=False)
        if code:
            if CI:
                sys.exit(f"installing the [{extra}] extra failed under CI")
            print(f"note: could not install the [{extra}] extra; its tests will be skipped", flush=True)
    stamp.write_text(digest)


def demo() -> int:
    ensure_venv(["test"], [])
    manage = ROOT / "testproject" / "manage.py"
    code = run(PYTHON, manage, "automigrate", "--noinput", check=False)
    if code == 0:
        print(f"\nTables are in {ROOT / 'testproject' / 'db.sqlite3'}. The DDL it ran:", flush=True)
        code = run(PYTHON, manage, "automigrate", "--sql", check=False)
    return code


def test(args: list[str]) -> int:
    ensure_venv(["test", "postgresql", "oracle"], ["mysql", "mssql"])
    return run(PYTHON, "-m", "pytest", *args, check=False)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "demo":
        sys.exit(demo())
    if command == "test":
        sys.exit(test(sys.argv[2:]))
    sys.exit(__doc__)
