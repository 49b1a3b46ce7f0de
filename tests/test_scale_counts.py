"""What keeps large runs within memory and time, asserted as counts (the seconds live in bench/):
rendered models are let go chunk by chunk, and the garbage collector's switch is restored after a run."""
from __future__ import annotations

import gc
import weakref

import pytest

from django_lbsync import apply as apply_module
from django_lbsync import automigrate, gcpause, is_actual
from tests import live_schema

pytestmark = pytest.mark.django_db(transaction=True, databases=["default"])
ALIAS = "default"  # SQLite: the rendering is the same on every database


@pytest.fixture
def sqlite_db():
    from tests.conftest import drop_all_tables, require_alias

    require_alias(ALIAS)
    drop_all_tables(ALIAS)
    yield ALIAS
    drop_all_tables(ALIAS)


def many_models(model_dir, count: int):
    return model_dir({f"m{i}.json": {"name": f"Many{i:02d}", "properties": {"title": {"type": "string", "index": True}}}
                      for i in range(count)})


@pytest.mark.parametrize("tables_exist", [False, True], ids=["empty database", "re-run: drop, then create"])
def test_an_automigrate_never_holds_more_than_a_chunk_of_rendered_models(sqlite_db, use_models, model_dir, monkeypatch,
                                                                        tables_exist):
    """Each model class rendered, and each create-only stand-in (bridge.create_only_model), is watched (a weak
    reference); after each table is made, the garbage is collected and the models still alive are counted. All of
    them at once held 150 MB at 5,000 tables. On a re-run each table is dropped, then created, from one table
    object: rendered for each step, never kept in between."""
    chunk, count = 3, 14
    use_models(ALIAS, many_models(model_dir, count))
    if tables_exist:
        automigrate(using=ALIAS)
    monkeypatch.setattr(apply_module._Applier, "PRERENDER_CHUNK", chunk)
    watched: list[weakref.ref] = []
    render = apply_module.render_models

    def watching(vendor, tables):
        rendered = render(vendor, tables)
        watched.extend(weakref.ref(model) for model in rendered.values())
        return rendered

    create_only = apply_module.create_only_model

    def watching_stand_ins(vendor, table):
        model = create_only(vendor, table)
        watched.append(weakref.ref(model))
        return model

    alive_after_each: list[int] = []
    done_with = apply_module._Applier.done_with

    def counting(self, change):
        done_with(self, change)
        gc.collect()
        alive_after_each.append(sum(ref() is not None for ref in watched))

    monkeypatch.setattr(apply_module, "render_models", watching)
    monkeypatch.setattr(apply_module, "create_only_model", watching_stand_ins)
    monkeypatch.setattr(apply_module._Applier, "done_with", counting)
    automigrate(using=ALIAS)
    assert len(watched) == count * (2 if tables_exist else 1)  # once per step (drops in chunks)
    assert alive_after_each and max(alive_after_each) <= chunk, alive_after_each
    assert {t.lower() for t in live_schema.tables(ALIAS)} == {f"many{i:02d}" for i in range(count)}
    assert is_actual(using=ALIAS)


def test_the_collector_runs_while_models_render_and_its_switch_is_restored(sqlite_db, use_models, model_dir,
                                                                          monkeypatch):
    use_models(ALIAS, many_models(model_dir, 4))
    seen = []
    render = apply_module.render_models

    create_only = apply_module.create_only_model

    def looking(vendor, tables):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return render(vendor, tables)

    def looking_at_stand_in(vendor, table):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return create_only(vendor, table)

    monkeypatch.setattr(apply_module, "render_models", looking)
    monkeypatch.setattr(apply_module, "create_only_model", looking_at_stand_in)
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()  # CPython 3.12 starts with a few hundred objects frozen
    automigrate(using=ALIAS)
    # While rendering: collecting, with what the run built before frozen (never scanned).
    assert seen and set(seen) == {(True, True)}
    assert gc.isenabled() and gc.get_freeze_count() <= frozen_before  # nothing of the run left frozen
    gc.disable()
    try:  # an application that switched the collector off keeps it off
        assert is_actual(using=ALIAS)
        automigrate(using=ALIAS)
        assert not gc.isenabled() and gc.get_freeze_count() <= frozen_before
    finally:
        gc.enable()


def test_a_nested_pause_leaves_the_switch_to_the_outer_one():
    with gcpause.paused_gc():
        assert not gc.isenabled()
        with gcpause.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_the_application_froze_stay_frozen(sqlite_db, use_models, model_dir):
    """A pre-fork server freezes its heap (gc.freeze); a run must not hand those objects back to the collector."""
    use_models(ALIAS, many_models(model_dir, 3))
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        automigrate(using=ALIAS)
        # (a frozen object that dies leaves the count; unfreeze() would empty it)
        assert gc.isenabled() and gc.get_freeze_count() > frozen // 2, (gc.get_freeze_count(), frozen)
    finally:
        gc.unfreeze()


def test_a_run_inside_a_run_hands_the_pause_back():
    """A progress callback that calls the API inside a run: the outer run's rendering still collects."""
    with gcpause.paused_gc():
        with gcpause.collecting_new_garbage():  # the outer run renders; its callback runs another whole run
            with gcpause.paused_gc():
                assert not gc.isenabled()
            assert gc.isenabled()
        with gcpause.collecting_new_garbage():  # the outer run's next rendering
            assert gc.isenabled()  # the outer pause is still known as ours
    assert gc.isenabled() and gc.get_freeze_count() <= gcpause._FROZEN_AT_START


def test_the_first_chunk_is_small_so_the_first_table_goes_out_early(sqlite_db, use_models, model_dir, monkeypatch):
    """automigrate streams each statement once it rendered (PostgreSQL): on a re-run the first chunk of the dropped
    tables' models is FIRST_PRERENDER_CHUNK, the rest PRERENDER_CHUNK; every model is rendered once, and the
    tables created render no model class at all (bridge.create_only_model)."""
    use_models(ALIAS, many_models(model_dir, 30))
    automigrate(using=ALIAS)
    monkeypatch.setattr(apply_module._Applier, "FIRST_PRERENDER_CHUNK", 4)
    monkeypatch.setattr(apply_module._Applier, "PRERENDER_CHUNK", 10)
    sizes: list[int] = []
    render = apply_module.render_models

    def watching(vendor, tables):
        sizes.append(len(tables))
        return render(vendor, tables)

    monkeypatch.setattr(apply_module, "render_models", watching)
    automigrate(using=ALIAS)
    assert sizes == [4, 10, 10, 6], sizes
    assert {t.lower() for t in live_schema.tables(ALIAS)} == {f"many{i:02d}" for i in range(30)}
