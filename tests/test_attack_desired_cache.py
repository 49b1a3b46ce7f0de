"""Attacks on the desired-schema cache (django_lbsync/desired_cache.py, docs/desired-cache.md).

- Code the key does not see: an install without `.py` files (sourceless `.pyc`, as slim images ship) or from
  a zip hashed no code at all, so an upgrade kept its old entries: a schema built by the old rules served as
  today's. Python's integer digit limit (PYTHONINTMAXSTRDIGITS, sys.set_int_max_str_digits) decides whether
  a model file with a long number is read, and was not in the key.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from django_lbsync import api, desired_cache
from django_lbsync.exceptions import DefinitionError

PACKAGE = Path(api.__file__).resolve().parent


def make_models(root: Path) -> Path:
    folder = root / "models"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"name": "A", "properties": {"x": {"type": "number"}}}))
    return folder


def answer(models: Path, cache) -> object:
    with override_settings(LBSYNC={"MODELS": str(models), "DATASOURCES": {"db": "default"}, "CACHE_DIR": cache}):
        try:
            return ("built", repr(sorted(api.desired_schema(using="default").tables.items())))
        except DefinitionError as exc:
            return ("refused", sorted(str(p) for p in exc.problems))


def only_entry(cache: Path) -> Path:
    (entry,) = cache.glob("*.pickle")
    return entry


# -- inputs the key did not see --------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="Python < 3.11 has no digit limit")
def test_the_integer_digit_limit_is_in_the_key(tmp_path):
    """json.loads refuses an integer of more than sys.get_int_max_str_digits() digits: a file read under no
    limit is refused under the default one. The entry made under the first must not answer the second."""
    models = make_models(tmp_path)
    (models / "b.json").write_text('{"name": "B", "properties": {"y": {"type": "string"}}, "note": '
                                   + "1" * 5000 + "}")
    cache = tmp_path / "cache"
    before = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(0)
        assert answer(models, cache)[0] == "built"
        sys.set_int_max_str_digits(4300)
        expected = answer(models, None)
        assert expected[0] == "refused"
        assert answer(models, cache) == expected
    finally:
        sys.set_int_max_str_digits(before)


def _digest_in(tree: Path) -> str:
    """code_digest() (None: no cache) as an import of the package from `tree` (a folder or a zip) computes it."""
    script = "import django_lbsync.desired_cache as d; print(d.code_digest())"
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(tree)},
                          capture_output=True, text=True, timeout=60, cwd=tree.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _sourceless_copy(where: Path, edit: str | None) -> Path:
    """The package as a sourceless install has it: `module.pyc` in place of `module.py`."""
    root = where / "site"
    shutil.copytree(PACKAGE, root / "django_lbsync", ignore=shutil.ignore_patterns("__pycache__"))
    if edit:
        path = root / "django_lbsync" / "vendors" / "sqlite.py"
        path.write_text(path.read_text() + edit)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-b", str(root / "django_lbsync")], check=True,
                   timeout=120)
    for path in (root / "django_lbsync").rglob("*.py"):
        path.unlink()
    return root


def test_a_sourceless_install_keys_its_code(tmp_path):
    """Only `.pyc` files: before, the digest hashed the built-in models alone, so other code had the same key."""
    first = _digest_in(_sourceless_copy(tmp_path / "one", None))
    second = _digest_in(_sourceless_copy(tmp_path / "two", "\nRULES_CHANGED = True\n"))
    assert first == second == "None" or first != second


def test_a_zipped_install_keys_its_code_or_keeps_no_cache(tmp_path):
    """Imported from a zip there is no folder to hash: every version had one digest, the empty one."""
    digests = []
    for n, edit in enumerate(("", "\nRULES_CHANGED = True\n")):
        archive = tmp_path / f"site{n}.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for path in sorted(PACKAGE.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    text = path.read_bytes() + (edit.encode() if path.name == "sqlite.py" else b"")
                    zipped.writestr(str(Path("django_lbsync") / path.relative_to(PACKAGE)), text)
        digests.append(_digest_in(archive))
    assert digests[0] == digests[1] == "None" or digests[0] != digests[1]
