"""Generate N LoopBack models (12 properties each) and a v2 where 20% of them change.

Mixed types, a plain index and a unique index per model, a foreign key every fifth model; the v2
changes cycle through: add a property, drop one, widen a string, make one required, add an index.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

CHANGE_KINDS = ("add", "drop", "widen", "required", "index")


def model(i: int, version: int) -> dict:
    name = f"BenchModel{i:04d}"
    props: dict = {
        "code": {"type": "string", "length": 40, "required": True, "index": {"unique": True}},
        "title": {"type": "string", "index": True},
        "label": {"type": "string", "length": 50, "postgresql": {"dataType": "varchar", "dataLength": 50}},
        "note": {"type": "string"},
        "qty": {"type": "number"},
        "price": {"type": "number", "postgresql": {"dataType": "numeric", "dataPrecision": 10, "dataScale": 2},
                  "mysql": {"dataType": "decimal", "dataPrecision": 10, "dataScale": 2}},
        "active": {"type": "boolean"},
        "created": {"type": "date"},
        "body": {"type": "text"},
        "meta": {"type": "object"},
        "rank": {"type": "number"},
        "tag": {"type": "string", "length": 20},
    }
    definition: dict = {"name": name, "properties": props}
    if i % 5 == 4:
        prev = f"BenchModel{i - 1:04d}"
        # Still 12 properties: the FK column replaces `tag`. Lower-case, because LoopBack's PostgreSQL
        # connector quotes `foreignKey` verbatim (PG#732) and would fail on `prevId`.
        del props["tag"]
        props["previd"] = {"type": "number"}
        definition["foreignKeys"] = {f"fk_bench_{i:04d}": {"name": f"fk_bench_{i:04d}", "entity": prev,
                                                            "entityKey": "id", "foreignKey": "previd"}}
    if version == 2 and i % 5 == 0:  # 20% of the models change
        kind = CHANGE_KINDS[(i // 5) % len(CHANGE_KINDS)]
        if kind == "add":
            props["extra"] = {"type": "string", "length": 30}
        elif kind == "drop":
            del props["rank"]
        elif kind == "widen":
            props["label"] = {"type": "string", "length": 100,
                              "postgresql": {"dataType": "varchar", "dataLength": 100}}
        elif kind == "required":
            props["note"] = {"type": "string", "required": True}
        elif kind == "index":
            props["qty"] = {"type": "number", "index": True}
    return definition


def write(folder: Path, n: int, version: int) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"bench-model-{i:04d}.json").write_text(json.dumps(model(i, version)))
    return folder
