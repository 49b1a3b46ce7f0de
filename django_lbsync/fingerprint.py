"""A fingerprint of resolved LoopBack definitions: what `lbsync_migration` records in the AutoUpdate it writes,
so that, like `makemigrations`, it can say "No changes detected" when the models are as the last such
migration saw them. It hashes what the juggler would hand to a connector (definitions.py), not file bytes:
reformatting a JSON file or moving it changes nothing, a changed property does."""
from __future__ import annotations

import hashlib
import json
from typing import Iterable

from .definitions import ModelDefinition


def definitions_fingerprint(models: Iterable[ModelDefinition]) -> str:
    canonical = [
        {
            "name": model.name,
            "datasource": model.datasource,
            "settings": model.settings,
            "properties": [
                {"name": p.name, "type": p.type, "id": p.id, "generated": p.generated, "required": p.required,
                 "default": p.default, "has_default": p.has_default, "index": p.index, "settings": p.settings}
                for p in model.properties
            ],
        }
        for model in sorted(models, key=lambda m: m.name)
    ]
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=repr, ensure_ascii=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]
