"""The definition loader's only window on the file system (and the environment), and the witness of what it saw.

Everything the loader learns from disk (is this path a file or a folder, which `*.json` a folder holds, where
a `_meta.sources` entry leads, the bytes of a file) comes through the four functions here, and the one
environment variable a datasource's `${NAME}` asks for through the fifth. While a
`recording()` is active each answer is written down as an observation; `Witness.still_holds()` asks every
question again and says whether every answer is the same. The loader is a function of those answers and the
settings, so when they all hold, what it built from them still stands: desired_cache.py keeps a desired schema
between processes on that rule (docs/desired-cache.md). tests/test_desired_cache.py checks that the loader
modules reach the file system through nothing else.
"""
from __future__ import annotations

import contextvars
import hashlib
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

#: Largest definition file read, in bytes. The biggest real model-config.json or model file is well under a
#: megabyte; a larger file is refused unread, so a stray dump or a link to a huge file cannot eat memory.
MAX_FILE_BYTES = 16 * 1024 * 1024


class Unreadable(Exception):
    """A path that is no regular file of at most MAX_FILE_BYTES; the message says which."""


@dataclass
class Witness:
    """What the loader asked of the file system, in order, with each answer: (question, path, answer)."""

    observations: list[tuple[str, str, object]] = field(default_factory=list)

    def still_holds(self) -> bool:
        """Whether every question gets the same answer now (the first difference stops the asking)."""
        for question, path, answer in self.observations:
            if _ANSWER[question](path) != answer:  # the path as written down: a str (os.* take it as is)
                return False
        return True


_recording: contextvars.ContextVar[Witness | None] = contextvars.ContextVar("lbsync_sourcefs_witness", default=None)


@contextmanager
def recording() -> Iterator[Witness]:
    """Record every question asked of this module inside the block (this thread or task only)."""
    witness = Witness()
    token = _recording.set(witness)
    try:
        yield witness
    finally:
        _recording.reset(token)


def _note(question: str, path: Path, answer: object) -> None:
    witness = _recording.get()
    if witness is not None:
        witness.observations.append((question, str(path), answer))


# -- the questions ---------------------------------------------------------------------------------------------

def kind(path: Path) -> str:
    """"file", "folder", "other" (a FIFO, a device, a socket), "missing", or "unreadable: <why>" for a path the
    file system cannot answer for (no permission on a folder above it, a name too long, a NUL), following
    symbolic links. Callers that only ask whether something is there take "unreadable" as not there, as
    loopback-boot's fs.statSync check does; the loader names why a MODELS path cannot be read."""
    answer = _kind(path)
    _note("kind", path, answer)
    return answer


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; Unreadable or OSError otherwise.

    A folder's `*.json` can be anything: a FIFO (opening it for reading waits for a writer, forever), a link
    to /dev/zero (reading never ends), a multi-gigabyte file. The file is opened without blocking and its
    kind and size are checked on the open descriptor (no window between the check and the read), and no
    more than the limit is ever read, even from a file that grows meanwhile."""
    try:
        data = _read(path)
    except (OSError, Unreadable) as exc:
        _note("read", path, _failure(exc))
        raise
    _note("read", path, _digest(data))
    return data


def json_files(folder: Path) -> list[Path]:
    """The `*.json` entries of a folder, sorted by name (folders so named too: reading them says why not)."""
    answer = _json_files(folder)
    _note("list", folder, [path.name for path in answer])
    return answer


def resolve(path: Path) -> Path:
    """path.resolve(strict=True): symbolic links followed, FileNotFoundError when nothing is there, OSError or
    RuntimeError (a loop, on older Pythons) when it cannot be followed."""
    try:
        answer = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as exc:
        _note("resolve", path, _failure(exc))
        raise
    _note("resolve", path, str(answer))
    return answer


def environ(name: str) -> str | None:
    """The environment variable `name`, None when it is unset: the first place a datasource value written as
    `${NAME}` is resolved from (bootconfig.dynamic_value, as loopback-boot resolves it at boot). Asked here, as
    the files are, so a schema kept while it had one value is not taken once it has another."""
    answer = os.environ.get(name)
    _note("environ", name, answer)
    return answer


# -- the same questions again, for Witness.still_holds ----------------------------------------------------------

def _kind(path: Path | str) -> str:
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    except ValueError:  # a NUL: no file system holds such a name
        return "unreadable: embedded null byte"
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def _json_files(folder: Path | str) -> list[Path]:
    # By name: the entries share their folder, so this is the paths' own order, without comparing Path objects
    # (a tenth of a second at 5,000 files, paid again by every witness check).
    return sorted(Path(folder).glob("*.json"), key=_name)


def _name(path: Path) -> str:
    return os.path.normcase(path.name)  # as PurePath compares (case-blind on Windows)


def _read_answer(path: str) -> object:
    try:
        return _digest(_read(path))
    except (OSError, Unreadable) as exc:
        return _failure(exc)


def _resolve_answer(path: str) -> object:
    try:
        return str(Path(path).resolve(strict=True))
    except (OSError, RuntimeError, ValueError) as exc:
        return _failure(exc)


_ANSWER = {"kind": _kind, "read": _read_answer, "list": lambda folder: [p.name for p in _json_files(folder)],
           "resolve": _resolve_answer, "environ": os.environ.get}


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _failure(exc: BaseException) -> tuple:
    return (type(exc).__name__, getattr(exc, "errno", None), str(exc))


def _read(path: Path | str) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("cannot read file: it is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("cannot read file: not a regular file (a device, FIFO or socket); not read")
        if info.st_size > MAX_FILE_BYTES:
            raise Unreadable(_too_big(info.st_size))
        # Sized to the file (read(n) allocates n bytes up front): one read for nearly every file. os.read is
        # one read(2), which may return less than asked before the end (network and FUSE file systems, a
        # signal), so it is repeated until the size fstat gave is reached or the file ends; when a read
        # returns more than that size (the file grew since fstat), it is read on, up to the limit.
        want = info.st_size + 1
        data = b""
        while len(data) <= MAX_FILE_BYTES:
            more = os.read(fd, (want if len(data) < want else MAX_FILE_BYTES + 1) - len(data))
            if not more:
                break  # the end (earlier than fstat said, for a file that shrank)
            data += more
            if len(data) == info.st_size:
                break  # all of it, as fstat sized it
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(_too_big(None))
    return data


def _too_big(size: int | None) -> str:
    return (f"file is {'more than ' if size is None else ''}{size or MAX_FILE_BYTES} bytes; a definition file may "
            f"have at most {MAX_FILE_BYTES} bytes; not read")
