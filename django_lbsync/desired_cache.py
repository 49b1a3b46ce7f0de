"""The desired schema kept between processes, valid while every input it was built from is unchanged.

Building the desired schema (read the JSON, resolve it, map it for the vendor) is most of what isactual, the
system checks and a no-change autoupdate do, and its inputs seldom change between two runs. An entry holds
the schema, the loader's warnings and its witness (sourcefs.Witness: every question the loader asked of the
file system, with the answer); it is used only when

- its key matches: the settings the build reads (LBSYNC, the alias's database settings, NODE_ENV), the models
  asked for, the vendor, the connection's name length limit, own schema and database name, and this
  package's own code, Python's and Django's versions;
- its MAC matches, keyed by settings.SECRET_KEY: a file someone else wrote is never unpickled;
- and every file-system question gets the same answer again (each file read is hashed again).

Anything else (no SECRET_KEY, no cache folder, a file that cannot be read or written) means no cache: the
schema is built as without one. docs/desired-cache.md has the rules and why they suffice.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import pickle
import re
import stat
import sys
import tempfile
import time
from pathlib import Path

from . import sourcefs

logger = logging.getLogger(__name__)

#: First bytes of every entry; a new layout gets a new one, so an older entry is never read as this one.
MAGIC = b"django-lbsync desired schema 1\n"
#: Entries kept in the folder; the oldest go first. One per combination of settings and models asked for.
MAX_ENTRIES = 32
_MAC_BYTES = 32
#: An entry's file name (_path): only such files are read and pruned, the folder may hold others.
_ENTRY_NAME = re.compile(r"[0-9a-f]{40}\.pickle")
#: The temporary file an entry is written to before it is renamed into place (tempfile.mkstemp's names).
_TEMPORARY_NAME = re.compile(r"\.entry-[a-z0-9_]{8}")
#: A temporary file this old is what a process killed while writing left behind (a write takes milliseconds).
STALE_TEMPORARY_SECONDS = 3600


def folder() -> Path | None:
    """Where entries live (LBSYNC["CACHE_DIR"]), or None when the cache is off."""
    from . import conf

    return conf.cache_dir()


def _mac_key() -> bytes | None:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.crypto import salted_hmac

    try:
        secret = settings.SECRET_KEY
    except ImproperlyConfigured:
        return None
    if not secret:
        return None
    return salted_hmac("django_lbsync.desired_cache", "", secret=secret, algorithm="sha256").digest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str | None:
    """A hash of this package's files (its code and built-in models): an entry from other code is never used.

    A sourceless install runs `module.pyc` files, hashed as its code. None when no code file is found (a zip,
    a frozen bundle): the code cannot be told apart from another version's, so there is no cache. Walked with
    os.scandir (whose entries know their kind): half the time of Path.rglob, in every process."""
    root = os.path.dirname(os.path.realpath(__file__))
    found, folders = [], [root]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except OSError:  # inside a zip: no folder on disk, no code file found
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.name.endswith((".py", ".pyc", ".json")) and entry.is_file():
                    found.append(entry.path)
    digest = hashlib.blake2b(digest_size=20)
    code_files = 0
    for path in sorted(found):
        with open(path, "rb") as file:
            data = file.read()
        code_files += not path.endswith(".json")
        digest.update(os.path.relpath(path, root).encode() + b"\0" + data + b"\0")
    return digest.hexdigest() if code_files else None


def key(**inputs) -> str | None:
    """The entry's key: every input of the build that is not a file, written out (repr) with the code's; None
    (no cache) when the code cannot be hashed."""
    import django

    code = code_digest()
    if code is None:
        return None
    # json.loads refuses an integer longer than this many digits (PYTHONINTMAXSTRDIGITS): it decides what reads.
    digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    parts = (MAGIC, code, sys.version, digits, django.VERSION, sorted((k, repr(v)) for k, v in inputs.items()))
    return repr(parts)


def _path(where: Path, entry_key: str) -> Path:
    return where / (hashlib.blake2b(entry_key.encode(), digest_size=20).hexdigest() + ".pickle")


def load(entry_key: str, witness: sourcefs.Witness | None = None) -> tuple | None:
    """The value kept for `entry_key` if its entry is valid, else None. api._desired keeps (schema, the loader's
    warnings, the builder's logged warnings); api.loader_warnings keeps (the loader's warnings,). `witness`: what
    a load of the definitions just now asked and saw; its answers are compared with the entry's instead of
    asking every question (reading every file) a second time."""
    found = load_entry(entry_key, witness, loaded=witness is not None)
    return None if found is None else found[0]


def load_entry(entry_key: str, witness: sourcefs.Witness | None = None, *,
               loaded: bool = False) -> tuple[tuple, sourcefs.Witness] | None:
    """load(), and the entry's witness with it: what held just now, so a later entry of the same definitions
    is compared with it (`witness`) instead of asking every question again. `loaded`: `witness` is a load's own
    record of what it saw just now (load()'s `witness`), so an entry that saw something else is stale, a miss
    without asking again; otherwise (another entry's witness) an entry that differs from it is asked again."""
    where, mac_key = folder(), _mac_key()
    if where is None or mac_key is None:
        return None
    try:
        data = _read_entry(_path(where, entry_key))
    except (OSError, ValueError):  # ValueError: a CACHE_DIR with a NUL
        return None
    if data is None:
        return None
    head = len(MAGIC) + _MAC_BYTES
    if data[:len(MAGIC)] != MAGIC or len(data) < head:
        return None
    payload = memoryview(data)[head:]
    if not hmac.compare_digest(data[len(MAGIC):head], _mac(mac_key, payload)):
        logger.debug("desired-schema cache: %s failed its MAC; ignored", _path(where, entry_key))
        return None
    try:
        stored_key, observations, value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - a damaged entry is no entry
        return None
    if stored_key != entry_key or not isinstance(value, tuple):
        return None
    if witness is not None and observations == witness.observations:
        return value, witness
    if loaded:
        return None
    held = sourcefs.Witness(observations)  # not what was seen just now (another load's record): asked again
    if not held.still_holds():
        return None
    return value, held


def store(entry_key: str, witness: sourcefs.Witness, value: tuple) -> None:
    """Keep an entry (written whole, then renamed into place: a reader never sees half of one)."""
    where, mac_key = folder(), _mac_key()
    if where is None or mac_key is None:
        return
    try:
        payload = pickle.dumps((entry_key, witness.observations, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in the schema that does not pickle: no entry
        logger.debug("desired-schema cache: the schema does not pickle; not kept", exc_info=True)
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=where, prefix=".entry-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(MAGIC + _mac(mac_key, payload) + payload)
            os.replace(temporary, _path(where, entry_key))
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(where)
    except (OSError, ValueError):
        logger.debug("desired-schema cache: cannot write to %s", where, exc_info=True)


def _read_entry(path: Path) -> bytes | None:
    """The bytes of an entry this user wrote; None for anything else at its name. The folder may be one others
    can write (made before, by someone else): a link is not followed (out of the folder, to /dev/zero), a FIFO
    not waited on, and a file another user owns not read (with a SECRET_KEY that is no secret, its MAC would
    pass, and unpickling runs code)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            return None
        return file.read()


def _mac(mac_key: bytes, payload) -> bytes:
    return hashlib.blake2b(payload, key=mac_key, digest_size=_MAC_BYTES).digest()


def _prune(where: Path) -> None:
    """At most MAX_ENTRIES entries, the oldest removed first; and the temporary files of writes that never
    ended (a process killed between mkstemp and the rename), once they are STALE_TEMPORARY_SECONDS old. Only
    this user's regular files of those names are removed: the folder may hold others."""
    entries = []
    stale = time.time() - STALE_TEMPORARY_SECONDS
    for entry in os.scandir(where):
        if _ENTRY_NAME.fullmatch(entry.name):
            try:
                entries.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                continue
        elif _TEMPORARY_NAME.fullmatch(entry.name):
            try:
                info = entry.stat(follow_symlinks=False)
                if (stat.S_ISREG(info.st_mode) and info.st_mtime < stale
                        and (not hasattr(os, "geteuid") or info.st_uid == os.geteuid())):
                    os.unlink(entry.path)
            except OSError:
                continue
    for _, path in sorted(entries)[:-MAX_ENTRIES]:
        try:
            os.unlink(path)
        except OSError:
            pass
