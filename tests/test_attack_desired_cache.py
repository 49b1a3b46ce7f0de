"""Attacks on the desired-schema cache (django_lbsync/desired_cache.py, docs/desired-cache.md).

- Code the key does not see: an install without `.py` files (sourceless `.pyc`, as slim images ship) or from
  a zip hashed no code at all, so an upgrade kept its old entries: a schema built by the old rules served as
  today's. Python's integer digit limit (PYTHONINTMAXSTRDIGITS, sys.set_int_max_str_digits) decides whether
  a model file with a long number is read, and was not in the key.
- Entries the cache did not write: a FIFO at an entry's name hung every run; an entry owned by another user
  (a shared or pre-made cache folder; a SECRET_KEY that is public) was unpickled; a symbolic link was
  followed out of the folder.
- The folder is the user's: pruning removed any `*.pickle` in it, and a CACHE_DIR with a NUL was a traceback
  instead of no cache.
"""
from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
import threading
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from django_lbsync import api, desired_cache
from django_lbsync.exceptions import DefinitionError

from .test_desired_cache import Planted, only_entry

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


# -- entries the cache did not write -----------------------------------------------------------------------------

def _finishes(models: Path, cache: Path, release: Path) -> object:
    """The answer, or a failure when the run waits (a FIFO opened for reading waits for a writer)."""
    done: list = []
    worker = threading.Thread(target=lambda: done.append(answer(models, cache)), daemon=True)
    worker.start()
    worker.join(3)
    if not done:
        os.close(os.open(release, os.O_WRONLY | os.O_NONBLOCK))  # let it go
        worker.join(5)
        pytest.fail("the run waited on a FIFO in the cache folder")
    return done[0]


def test_a_fifo_at_an_entrys_name_is_a_miss_not_a_hang(tmp_path):
    models, cache = make_models(tmp_path), tmp_path / "cache"
    first = answer(models, cache)
    entry = only_entry(cache)
    entry.unlink()
    os.mkfifo(entry)
    assert _finishes(models, cache, entry) == first


def test_a_link_at_an_entrys_name_is_not_followed(tmp_path):
    """Out of the folder, to a FIFO (or /dev/zero, a huge file): an entry is a file the cache wrote."""
    models, cache = make_models(tmp_path), tmp_path / "cache"
    first = answer(models, cache)
    entry = only_entry(cache)
    fifo = tmp_path / "elsewhere"
    os.mkfifo(fifo)
    entry.unlink()
    entry.symlink_to(fifo)
    assert _finishes(models, cache, fifo) == first


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to make a file another "
                    "user owns")
def test_an_entry_another_user_owns_is_never_unpickled(tmp_path):
    """A cache folder others can write (CACHE_DIR or XDG_CACHE_HOME in /tmp, a folder made before, by someone
    else: mkdir(exist_ok=True) keeps its mode) and a SECRET_KEY that is not secret (a default in a public
    repository): the MAC alone let another user's pickle run as this one."""
    models, cache = make_models(tmp_path), tmp_path / "cache"
    first = answer(models, cache)
    entry = only_entry(cache)
    with override_settings(LBSYNC={"MODELS": str(models), "CACHE_DIR": str(cache)}):
        mac_key = desired_cache._mac_key()
    payload = pickle.dumps(Planted())
    entry.write_bytes(desired_cache.MAGIC + desired_cache._mac(mac_key, payload) + payload)
    os.chown(entry, 4242, 4242)
    Planted.ran.clear()
    assert answer(models, cache) == first
    assert Planted.ran == []


# -- the folder is the user's ------------------------------------------------------------------------------------

def test_pruning_removes_only_the_caches_own_entries(tmp_path, monkeypatch):
    """CACHE_DIR may be a folder that holds other things (BASE_DIR / "var"): its own `*.pickle` files stay."""
    models, cache = make_models(tmp_path), tmp_path / "var"
    cache.mkdir()
    monkeypatch.setattr(desired_cache, "MAX_ENTRIES", 2)
    for n in range(5):
        path = cache / f"data-{n}.pickle"
        path.write_bytes(b"the user's")
        os.utime(path, (1000 + n, 1000 + n))
    answer(models, cache)
    assert len(list(cache.glob("data-*.pickle"))) == 5


def test_a_cache_dir_no_file_system_can_hold_is_no_cache(tmp_path):
    models = make_models(tmp_path)
    expected = answer(models, None)
    assert answer(models, str(tmp_path / "ca\x00che")) == expected


def test_the_check_command_with_such_a_cache_dir_is_no_traceback(tmp_path):
    models = make_models(tmp_path)
    from django.core.management import call_command
    from io import StringIO

    with override_settings(LBSYNC={"MODELS": str(models), "CACHE_DIR": str(tmp_path / "ca\x00che")}):
        call_command("check", stdout=StringIO(), stderr=StringIO())
