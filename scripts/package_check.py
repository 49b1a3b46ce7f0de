#!/usr/bin/env python3
"""Build the sdist and the wheel as a user's pip would, and check what they hold.

    python3 scripts/package_check.py

- both build (isolated, with the setuptools pyproject.toml asks for);
- the sdist holds LICENSE, README.md, docs/ and the package, and no tests/ (MANIFEST.in: the suite needs
  live servers and the repository; a half copy of it would only fail);
- the wheel installs into a fresh venv, with the README's extra, and `import django_lbsync.testing` works
  there without settings;
- the wheel registers the pytest plugin (entry point pytest11).
Work happens in a temporary folder; the `build` tool's venv is cached in $LBSYNC_CI_CACHE.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("LBSYNC_CI_CACHE", Path.home() / ".cache" / "lbsync-ci"))


def python_of(folder: Path) -> str:
    return str(folder / "bin" / "python")


def make_venv(folder: Path, *packages: str) -> str:
    if not Path(python_of(folder)).exists():
        venv.EnvBuilder(with_pip=True).create(folder)
    if packages:
        subprocess.run([python_of(folder), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *packages], check=True)
    return python_of(folder)


def main() -> int:
    builder = make_venv(CACHE / "build-tool", "build")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        built = subprocess.run([builder, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True,
                               text=True)
        if built.returncode:
            print(built.stdout, built.stderr, flush=True)
            return 1
        (sdist,) = out.glob("*.tar.gz")
        (wheel,) = out.glob("*.whl")
        with tarfile.open(sdist) as archive:
            names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        for needed in ("LICENSE", "README.md", "pyproject.toml", "docs/README.md", "django_lbsync/testing/__init__.py"):
            if needed not in names:
                problems.append(f"sdist lacks {needed}")
        problems += [f"sdist holds {name}" for name in sorted(names) if name.startswith("tests/")]
        with zipfile.ZipFile(wheel) as archive:
            entry_points = next((archive.read(n).decode() for n in archive.namelist() if n.endswith("entry_points.txt")), "")
        if "django_lbsync.testing.pytest_plugin" not in entry_points:
            problems.append("the wheel registers no pytest11 entry point")
        python = make_venv(Path(tmp) / "venv", f"{wheel}[postgresql]")
        imported = subprocess.run([python, "-c", "import django_lbsync.testing"], cwd=tmp, capture_output=True, text=True)
        if imported.returncode:
            problems.append(f"import django_lbsync.testing failed in a fresh venv:\n{imported.stderr}")
        print(f"package: {sdist.name} ({len(names)} files), {wheel.name}", flush=True)
    for problem in problems:
        print(f"package problem: {problem}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
