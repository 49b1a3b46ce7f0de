"""schema.live_column, the catalog readers' fast Column constructor, makes exactly the Column that Column() makes,
for every field at every kind of value."""
from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given, strategies as st

from django_lbsync.schema import Column, live_column

OPTIONAL_TEXT = st.none() | st.text(max_size=8)
EXTRA = st.fixed_dictionaries({}, optional={
    "origin": OPTIONAL_TEXT, "fill": st.none() | st.integers() | st.text(max_size=4), "collation": OPTIONAL_TEXT,
    "check": OPTIONAL_TEXT, "on_update": OPTIONAL_TEXT, "comment": OPTIONAL_TEXT,
    "generated": st.sampled_from([None, "VIRTUAL", "STORED"])})


@given(name=st.text(max_size=8), type_=st.text(max_size=8), null=st.none() | st.booleans(), default=OPTIONAL_TEXT,
       auto=st.booleans(), extra=EXTRA)
def test_live_column_is_the_column(name, type_, null, default, auto, extra):
    made = Column(name, type_, null, default, auto, **extra)
    fast = live_column(name, type_, null, default, auto, **extra)
    assert type(fast) is Column and fast.__dict__ == made.__dict__
    assert fast == made and hash(fast) == hash(made) and repr(fast) == repr(made)
    assert pickle.loads(pickle.dumps(fast)) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.name = "other"


def test_every_field_is_set():
    fast = live_column("a", "INT", True, None, False)
    assert set(fast.__dict__) == {f.name for f in dataclasses.fields(Column)}


def test_an_unknown_keyword_is_refused_as_column_refuses_it():
    with pytest.raises(TypeError):
        Column("a", "INT", True, None, False, colour="red")
    with pytest.raises(TypeError, match="colour"):
        live_column("a", "INT", True, None, False, colour="red")
