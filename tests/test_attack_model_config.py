"""Attacks on model-config.json and the loopback-boot layout: what the loader reads, and what it makes of
entries loopback-boot accepts or refuses (docs/input-validation.md).

- A model folder's `*.json` can be anything the file system holds: a FIFO (opening it for reading waits for
  a writer, forever), a link to /dev/zero (reading never ends), a multi-gigabyte file. Each is a problem
  naming the file, found at once and without reading it; before, the loader hung or ate memory.
- A `_meta.sources` entry no file system can hold (a NUL, a name too long) or a symlink loop is a problem
  naming the entry; before, it was a traceback. A folder listed twice is read once.
- model-config entries as loopback-boot reads them: `"dataSource": false` (and any falsy value) attaches
  the model to nothing, as LoopBack documents; a `null` entry (loopback-boot fails reading its `options`)
  and LoopBack 1.x's format (`properties`, `base`, `plural` in the entry, which loopback-boot refuses) are
  problems; before, the first was refused and the other two were silently read as "no table".

Each test judges the loader's answer (the problem list, the models), and a subprocess with a time limit
runs the cases that used to hang, so a regression fails instead of stalling the suite.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from django_lbsync import jsonfiles, loader, sourcefs
from django_lbsync.exceptions import DefinitionError
from django_lbsync.loader import load_definitions

REPO = Path(__file__).resolve().parents[1]


def app(root: Path, entries: dict | None = None, meta: object = None, models: dict | None = None) -> Path:
    """A LoopBack 3 layout: server/model-config.json, common/models/*.json; returns model-config.json."""
    (root / "server").mkdir(parents=True, exist_ok=True)
    (root / "common" / "models").mkdir(parents=True, exist_ok=True)
    config = {"_meta": {"sources": ["../common/models"]} if meta is None else meta}
    config.update({"Foo": {"dataSource": "db"}} if entries is None else entries)
    (root / "server" / "model-config.json").write_text(json.dumps(config))
    for name, body in (models or {"foo.json": {"name": "Foo", "properties": {"a": "string"}}}).items():
        (root / "common" / "models" / name).write_text(json.dumps(body))
    return root / "server" / "model-config.json"


def problems(config: Path) -> list[str]:
    try:
        load_definitions(config)
    except DefinitionError as exc:
        return [f"{p.path.name if p.path else None}|{p.model}|{p.message}" for p in exc.problems]
    return []


def load_in_subprocess(config: Path, timeout: float = 30) -> tuple[int, str]:
    """Load in a child with a memory cap: a hang is a timeout, a runaway read a MemoryError, not a stalled suite."""
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        sys.path.insert(0, {str(REPO)!r})
        from django_lbsync.exceptions import DefinitionError
        from django_lbsync.loader import load_definitions
        try:
            load_definitions({str(config)!r})
            print("LOADED")
        except DefinitionError as exc:
            for p in exc.problems:
                print("PROBLEM", p.path.name if p.path else None, p.message)
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timed out: the loader hung"
    return done.returncode, done.stdout + done.stderr


# --- what the loader reads -------------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_a_model_folder_is_a_problem_not_a_hang(tmp_path):
    config = app(tmp_path)
    os.mkfifo(tmp_path / "common" / "models" / "pipe.json")
    code, out = load_in_subprocess(config)
    assert code == 0, out
    assert "PROBLEM pipe.json cannot read file: not a regular file (a device, FIFO or socket); not read" in out


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_link_to_dev_zero_is_a_problem_not_an_endless_read(tmp_path):
    config = app(tmp_path)
    os.symlink("/dev/zero", tmp_path / "common" / "models" / "zero.json")
    code, out = load_in_subprocess(config)
    assert code == 0, out
    assert "PROBLEM zero.json cannot read file: not a regular file" in out


def test_a_huge_file_is_refused_unread(tmp_path):
    config = app(tmp_path)
    huge = tmp_path / "common" / "models" / "huge.json"
    with open(huge, "wb") as out:  # sparse: 2 GiB on paper, nothing on disk
        out.truncate(2 << 30)
    code, out = load_in_subprocess(config)
    assert code == 0, out  # under a 1 GiB address-space cap: the file was not read into memory
    assert f"PROBLEM huge.json file is {2 << 30} bytes; a definition file may have at most {16 << 20} bytes" in out


def test_the_size_limit_is_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(sourcefs, "MAX_FILE_BYTES", 64)  # the limit lives where files are read
    body = tmp_path / "foo.json"
    body.write_text(json.dumps({"name": "Foo"}).ljust(64))
    found: list = []
    assert jsonfiles.read_json(body, found) == {"name": "Foo"} and found == []  # 64 bytes: read
    body.write_text(body.read_text() + " ")
    assert jsonfiles.read_json(body, found) is None
    assert [(p.path, p.message) for p in found] == [
        (body, "file is 65 bytes; a definition file may have at most 64 bytes; not read")]


@pytest.mark.parametrize("chunk, grown", [(7, 0), (None, 40)])
def test_a_file_read_short_or_grown_is_read_to_its_end(tmp_path, monkeypatch, chunk, grown):
    """os.read may return less than asked before the end (NFS, FUSE, a signal: here `chunk` bytes a call): the
    rest is read all the same. A file that grew after fstat (`grown` bytes more than it said) is read on to its
    new end."""
    body = tmp_path / "foo.json"
    text = json.dumps({"name": "Foo", "properties": {f"p{i}": {"type": "string"} for i in range(20)}})
    body.write_text(text + " " * grown)
    real_read, real_fstat = os.read, os.fstat

    def short_read(fd, n):
        return real_read(fd, min(n, chunk or n))

    def stale_fstat(fd):  # the size before the last `grown` bytes were written
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], info.st_size - grown, *info[7:]))

    found: list = []
    with monkeypatch.context() as patched:
        patched.setattr(sourcefs.os, "read", short_read)
        patched.setattr(sourcefs.os, "fstat", stale_fstat)
        data = sourcefs.read_bytes(body)
        parsed = jsonfiles.read_json(body, found)
    assert data == body.read_bytes() and parsed == json.loads(text) and found == []


def test_a_folder_named_like_a_model_file_is_a_problem(tmp_path):
    config = app(tmp_path)
    (tmp_path / "common" / "models" / "dir.json").mkdir()
    assert problems(config) == ["dir.json|None|cannot read file: it is a folder"]


@pytest.mark.parametrize("source, why", [
    ("a\x00b", "embedded null byte"),
    ("a" * 5000, "File name too long"),
])
def test_an_impossible_source_folder_is_a_problem_not_a_traceback(tmp_path, source, why):
    config = app(tmp_path, meta={"sources": ["../common/models", source]})
    found = problems(config)
    assert len(found) == 1 and found[0].startswith('model-config.json|None|"_meta.sources" entry ')
    assert found[0].endswith(f"cannot be read as a folder: {why}")
    assert len(found[0]) < 250  # a long entry is shortened in the message


def test_a_source_folder_in_a_symlink_loop_is_a_problem_not_a_traceback(tmp_path):
    config = app(tmp_path, meta={"sources": ["../common/models", "./loop"]})
    os.symlink("loop", tmp_path / "server" / "loop")
    found = problems(config)
    assert len(found) == 1 and "\"_meta.sources\" entry './loop' cannot be read as a folder" in found[0], found


def test_a_symlink_loop_in_a_model_folder_is_a_problem(tmp_path):
    config = app(tmp_path)
    os.symlink("loop.json", tmp_path / "common" / "models" / "loop.json")
    assert problems(config) == ["loop.json|None|cannot read file: Too many levels of symbolic links"]


def test_a_folder_listed_many_times_is_read_once(tmp_path, monkeypatch):
    spellings = ["../common/models", "../common/./models", "./../common/models/", str(tmp_path / "common/models")]
    config = app(tmp_path, meta={"sources": spellings * 5000})
    reads: list[Path] = []
    real = loader.read_json
    monkeypatch.setattr(loader, "read_json", lambda path, *a, **k: (reads.append(Path(path)), real(path, *a, **k))[1])
    assert list(load_definitions(config).models) == ["Foo"]
    assert [p.name for p in reads if p.parent == tmp_path / "common" / "models"] == ["foo.json"]


@pytest.mark.parametrize("source", ["~/models", "$HOME", "${HOME}/models", "../common/*", "", "../common/models/foo.json"])
def test_sources_are_not_expanded_and_a_file_is_no_folder(tmp_path, source):
    """loopback-boot expands none of these (no `~`, no variables, no globs) and reads no models from a
    file; neither do we: the model is then undefined, named as such."""
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / "foo.json").write_text(json.dumps({"name": "Foo"}))
    config = app(tmp_path, meta={"sources": [source]})
    os.environ["HOME_BEFORE"] = os.environ.get("HOME", "")
    try:
        os.environ["HOME"] = str(home)
        assert problems(config) == ["model-config.json|Foo|model is configured but no model definition file defines it"]
    finally:
        os.environ["HOME"] = os.environ.pop("HOME_BEFORE")


# --- model-config entries as loopback-boot reads them -----------------------------------------------------------

@pytest.mark.parametrize("datasource", [False, 0, "", None])
def test_a_falsy_datasource_attaches_nothing_as_in_loopback(tmp_path, datasource):
    config = app(tmp_path, entries={"Foo": {"dataSource": datasource}})
    assert problems(config) == []
    assert load_definitions(config).models == {}


@pytest.mark.parametrize("datasource", [True, 5, ["db"], {"name": "db"}])
def test_a_truthy_datasource_that_is_no_name_is_refused(tmp_path, datasource):
    """LoopBack asserts `dataSource instanceof DataSource` and does not boot."""
    config = app(tmp_path, entries={"Foo": {"dataSource": datasource}})
    assert problems(config) == ['model-config.json|Foo|"dataSource" must be a datasource name, null or false']


def test_a_null_entry_is_refused(tmp_path):
    config = app(tmp_path, entries={"Foo": None})
    assert problems(config) == ["model-config.json|Foo|a model-config entry must be an object (or false), not null: "
                                "LoopBack does not boot with it"]


@pytest.mark.parametrize("entry", [False, "db", 7, ["db"], {}])
def test_an_entry_without_a_datasource_attaches_nothing(tmp_path, entry):
    config = app(tmp_path, entries={"Foo": entry})
    assert problems(config) == [] and load_definitions(config).models == {}


@pytest.mark.parametrize("entry, keys", [
    ({"dataSource": "db", "properties": {"b": "string"}}, "properties"),
    ({"dataSource": "db", "base": "User"}, "base"),
    ({"dataSource": "db", "plural": "foos"}, "plural"),
    ({"dataSource": "db", "options": {"base": "User", "plural": "foos"}}, "options.base, options.plural"),
])
def test_loopback_1x_entries_are_refused(tmp_path, entry, keys):
    config = app(tmp_path, entries={"Foo": entry})
    assert problems(config) == [f"model-config.json|Foo|{keys} in a model-config entry is LoopBack 1.x's format, "
                                "which loopback-boot refuses; define the model in its own model JSON file"]


def test_falsy_1x_keys_are_not_the_1x_format(tmp_path):
    """loopback-boot tests each key for truth: `"base": ""` or `"properties": null` passes."""
    config = app(tmp_path, entries={"Foo": {"dataSource": "db", "base": "", "properties": None, "options": "x"}})
    assert problems(config) == [] and list(load_definitions(config).models) == ["Foo"]


def test_mixins_in_meta_are_ignored(tmp_path):
    """`_meta.mixins` names folders of mixin code, which never runs here (docs/loopback-rules/models.md)."""
    config = app(tmp_path, meta={"sources": ["../common/models"], "mixins": ["../common/mixins", 5, None]})
    assert problems(config) == [] and list(load_definitions(config).models) == ["Foo"]
