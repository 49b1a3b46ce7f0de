"""Attacks on what `discoverschema --output-dir` writes (docs/discovery-safety.md), live on SQLite, PostgreSQL
and MariaDB.

- An existing model-config.json that configures what discovery does not write (a LoopBack app's own
  server/model-config.json, other models, other sources) is not replaced without --force; before, it was
  overwritten silently, losing the app's configuration.
- A folder sitting where a file would go is found before anything is written; before, the files in front of
  it were written and the run then failed, leaving a half-written set.
- Names that collide only after the file-name rules (case, `.` vs `_`, NFC vs NFD, `model-config` vs
  `m-model-config`, names of 64 four-byte characters) still give one distinct file each, all inside the
  folder, and the written folder loads back with every table (this held; kept as a regression test).

Judged from the file system and from the catalog (tests/test_discovery_safety.py's own SQL), not from the
product's report.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError
from django.db import connections

from django_lbsync.discovery import OtherModelFiles, write_models
from django_lbsync.loader import load_definitions

from .test_discovery_safety import call, create, drop, user_tables

pytestmark = pytest.mark.django_db(transaction=True, databases=settings.LIVE_ALIASES)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    return {p.name: (p.read_bytes() if p.is_file() else "<dir>") for p in sorted(folder.iterdir())}


def test_an_apps_own_model_config_is_not_replaced_without_force(live, tmp_path):
    create(live, "lbsync_disc", "v")
    server = tmp_path / "server"  # pointing --output-dir at a LoopBack app's server/ folder
    server.mkdir()
    own = {"_meta": {"sources": ["loopback/common/models", "../common/models"]},
           "User": {"dataSource": "db"}, "Precious": {"dataSource": "db"}}
    (server / "model-config.json").write_text(json.dumps(own))
    (server / "datasources.json").write_text(json.dumps({"db": {"connector": "postgresql"}}))
    before = snapshot(server)
    try:
        with pytest.raises(CommandError) as refused:
            call("discoverschema", "lbsync_disc", "--output-dir", str(server), database=live)
        assert refused.value.returncode == 2
        message = str(refused.value)
        assert "model-config.json would be replaced" in message and "User, Precious" in message
        assert "a different _meta" in message and "Nothing was written" in message and "--force" in message
        assert snapshot(server) == before  # nothing written, nothing replaced
        with pytest.raises(OtherModelFiles) as api_refused:
            write_models({"x": {"name": "LbsyncDisc", "properties": {}}}, server)
        assert api_refused.value.config == server / "model-config.json" and api_refused.value.files == []
        assert snapshot(server) == before

        call("discoverschema", "lbsync_disc", "--output-dir", str(server), "--force", database=live)
        assert json.loads((server / "model-config.json").read_text()) == {
            "_meta": {"sources": ["loopback/common/models", "./"]}, "LbsyncDisc": {"dataSource": "db"}}
        # Discovery's own model-config.json is replaced freely: a refresh, even with another datasource name.
        call("discoverschema", "lbsync_disc", "--output-dir", str(server), "--datasource", "other", database=live)
        assert json.loads((server / "model-config.json").read_text())["LbsyncDisc"] == {"dataSource": "other"}
    finally:
        drop(live, "lbsync_disc")


def test_an_unreadable_model_config_in_the_way_is_not_replaced(live, tmp_path):
    create(live, "lbsync_disc")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "model-config.json").write_text("{ not json")
    try:
        with pytest.raises(CommandError) as refused:
            call("discoverschema", "lbsync_disc", "--output-dir", str(folder), database=live)
        assert refused.value.returncode == 2 and "not a model-config.json this discovery can read" in str(refused.value)
        assert snapshot(folder) == {"model-config.json": b"{ not json"}
    finally:
        drop(live, "lbsync_disc")


def test_a_folder_in_the_way_leaves_nothing_half_written(live, tmp_path):
    create(live, "lbsync_a")
    create(live, "lbsync_b")
    folder = tmp_path / "out"
    (folder / "lbsync-b.json").mkdir(parents=True)  # the second file's place; lbsync-a.json sorts first
    try:
        with pytest.raises(CommandError) as refused:
            call("discoverschema", "lbsync_a", "lbsync_b", "--output-dir", str(folder), database=live)
        assert refused.value.returncode == 2 and "lbsync-b.json is a folder" in str(refused.value)
        assert snapshot(folder) == {"lbsync-b.json": "<dir>"}  # lbsync-a.json was not written first
    finally:
        drop(live, "lbsync_a", "lbsync_b")


def colliding_names(alias: str) -> list[str]:
    nfc = unicodedata.normalize("NFC", "café_x")
    nfd = unicodedata.normalize("NFD", "café_x")
    names = ["a.b", "a_b", "a-b", nfc, nfd, "model-config", "m-model-config", "MODEL_CONFIG", "...", "---", "_x",
             "con.json", "com¹", "\U0001f600" * 3]
    vendor = connections[alias].vendor
    if vendor != "sqlite":  # SQLite's table names ignore (ASCII) case
        names += ["Order", "ORDER", "order"]
    long_char = "\U00010348" if vendor == "mysql" else "é"  # MySQL: 64 characters of 4 bytes each
    limit = {"postgresql": 63 // 2, "mysql": 64}.get(vendor, 300)  # PostgreSQL: 63 bytes
    names += [long_char * (limit - 1) + "1", long_char * (limit - 1) + "2"]
    if vendor == "mysql":  # utf8mb4 server names beyond U+FFFF are refused by MySQL (error 1300)
        names = [n for n in names if all(ord(ch) <= 0xFFFF for ch in n)]
    return names


def test_names_that_collide_as_files_give_distinct_files_inside_the_folder(live, tmp_path):
    names = colliding_names(live)
    for name in names:
        create(live, name)
    created = user_tables(live)
    folder = tmp_path / "out"
    try:
        assert set(names) <= created
        call("discoverschema", "--output-dir", str(folder), "--", *names, database=live)
        written = sorted(folder.iterdir())
        assert all(p.parent == folder and p.is_file() and not p.is_symlink() for p in written)
        file_names = [p.name for p in written]
        assert len(file_names) == len(names) + 1 and "model-config.json" in file_names
        # Distinct on a case-insensitive, normalising file system; within every file system's limit.
        keys = [unicodedata.normalize("NFKC", name).casefold() for name in file_names]
        assert len(set(keys)) == len(keys)
        assert max(len(name.encode()) for name in file_names) <= 255
        assert all(not name.startswith(("_", ".")) for name in file_names)
        # The folder loads back with one model per table, each naming its table exactly.
        loaded = load_definitions(folder / "model-config.json")
        tables = set()
        for model in loaded.models.values():
            block = next(v for k, v in model.settings.items() if isinstance(v, dict) and "table" in v)
            tables.add(block["table"])
        assert tables == set(names)
    finally:
        drop(live, *names)
