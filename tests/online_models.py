"""The model sets of the online tests and bench: a table to change (OnlineItem) and the table its new foreign
key points at (OnlineOwner). v1 has neither index nor FK and a nullable qty; v2 adds an index, a unique
index, an FK and NOT NULL (the issue's four blocking changes)."""
from __future__ import annotations

OWNER = {"name": "OnlineOwner", "properties": {"id": {"type": "number", "id": True, "generated": True},
                                               "label": {"type": "string", "length": 40}}}


def item(version: int) -> dict:
    props = {
        "id": {"type": "number", "id": True, "generated": True},
        "name": {"type": "string", "length": 40},
        "code": {"type": "string", "length": 40},
        "ownerId": {"type": "number"},
        "qty": {"type": "number"},
    }
    model = {"name": "OnlineItem", "properties": props}
    if version >= 2:
        props["name"] = {**props["name"], "index": True}
        props["code"] = {**props["code"], "index": {"unique": True}}
        props["qty"] = {**props["qty"], "required": True}
        model["foreignKeys"] = {"fk_item_owner": {"name": "fk_item_owner", "entity": "OnlineOwner", "entityKey": "id",
                                                  "foreignKey": "ownerId"}}
    return model


def files(version: int) -> dict:
    return {"owner.json": OWNER, "item.json": item(version)}
