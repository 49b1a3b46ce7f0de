#!/usr/bin/env python3
"""The support matrix pyproject.toml declares, on SQLite: one plain venv per (Python, Django) pair.

    python3 scripts/matrix.py            # every pair below; exit 1 when one fails
    python3 scripts/matrix.py 3.10       # the pairs of one Python version

Each venv lives outside git, in $LBSYNC_CI_CACHE (default ~/.cache/lbsync-ci/py<X.Y>-django<Z>), and is
re-installed only when pyproject.toml changes. The suite runs with LBSYNC_TEST_SQLITE_ONLY=1
(tests/settings.py then defines no PostgreSQL, MySQL, Oracle or SQL Server alias, and their tests skip):
the live servers and the offline vendors are covered by the main run on the default Python.
"""
from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("LBSYNC_CI_CACHE", Path.home() / ".cache" / "lbsync-ci"))

#: (Python, Django) pairs: the oldest Python with the oldest Django, the newest Django with the oldest
#: Python it supports (Django 6.0 needs Python 3.12) and with the newest Python declared. Python 3.11 +
#: Django 5.2 is the main run (.venv).
PAIRS = [("3.10", "5.2"), ("3.12", "6.0"), ("3.13", "6.0")]
#: The PostgreSQL and MySQL drivers too: no server is used, but the outage tests talk to fake servers
#: through them (tests/test_waits_and_outages.py), and the drivers must import on these versions.
EXTRAS = "test,postgresql,mysql"


def find_python(version: str) -> str | None:
    """python<version> on PATH, else pyenv's; a candidate must run (a pyenv shim of an inactive version
    does not)."""
    pyenv = sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / f"{version}.*" / "bin" / f"python{version}")))
    for candidate in [shutil.which(f"python{version}"), *reversed(pyenv)]:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None


def ensure_venv(python: str, version: str, django: str) -> Path:
    venv = CACHE / f"py{version}-django{django}"
    stamp = venv / ".lbsync-stamp"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + f"{EXTRAS} {django}".encode()).hexdigest()
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # The package is installed in editable mode from one checkout: a venv made from another checkout (a clone
    # since deleted) keeps its dependencies but must point at this one, or `import django_lbsync` fails.
    checkout = venv / ".lbsync-checkout"
    if stamp.exists() and stamp.read_text() == digest:
        if not checkout.exists() or checkout.read_text() != str(ROOT):
            subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True, cwd=ROOT)
            checkout.write_text(str(ROOT))
        return venv
    if venv.exists():
        shutil.rmtree(venv)
    print(f"creating {venv}", flush=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    subprocess.run(pip + ["-e", f"{ROOT}[{EXTRAS}]", f"django=={django}.*"], check=True, cwd=ROOT)
    stamp.write_text(digest)
    checkout.write_text(str(ROOT))
    return venv


def main(only: list[str]) -> int:
    failed = []
    for version, django in PAIRS:
        if only and version not in only:
            continue
        python = find_python(version)
        if python is None:
            print(f"Python {version} not found", flush=True)
            failed.append(f"py{version}")
            continue
        started = time.monotonic()
        venv = ensure_venv(python, version, django)
        installed = time.monotonic()
        env = {**os.environ, "LBSYNC_TEST_SQLITE_ONLY": "1"}
        code = subprocess.run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                              cwd=ROOT, env=env).returncode
        print(f"matrix: Python {version} + Django {django}: exit {code}, install {installed - started:.0f} s, "
              f"tests {time.monotonic() - installed:.0f} s", flush=True)
        if code:
            failed.append(f"py{version}-django{django}")
    if failed:
        print(f"matrix failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
