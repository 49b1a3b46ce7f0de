"""Start-up cost: a Django process that lists the app (every web worker of the project) imports only what
`django.setup()` and the system checks need; the schema machinery loads when a public name is first used."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import django_lbsync

ROOT = Path(__file__).resolve().parent.parent

SETUP_ONLY = """
import json, sys
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["django_lbsync"],
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
django.setup()
loaded = sorted(m for m in sys.modules if m.startswith("django_lbsync"))
import pytest

import django_lbsync
used = django_lbsync.is_actual.__module__
print(json.dumps({"loaded": loaded, "used": used,
                  "after": sorted(m for m in sys.modules if m.startswith("django_lbsync"))}))
"""


def _run() -> dict:
    done = subprocess.run([sys.executable, "-c", SETUP_ONLY], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    return json.loads(done.stdout)


def test_django_setup_does_not_import_the_schema_machinery():
    found = _run()
    heavy = {"django_lbsync.api", "django_lbsync.apply", "django_lbsync.discovery", "django_lbsync.loader",
             "django_lbsync.vendors", "django_lbsync.desired", "django_lbsync.online", "django_lbsync.preflight"}
    assert heavy.isdisjoint(found["loaded"]), sorted(heavy & set(found["loaded"]))
    assert "django_lbsync.checks" in found["loaded"]  # the checks are registered at ready()
    # First use of a public name loads its module, and only then.
    assert found["used"] == "django_lbsync.api"
    assert "django_lbsync.api" in found["after"]
    assert "django_lbsync.discovery" not in found["after"]


def test_every_public_name_resolves_and_is_listed():
    for name in django_lbsync.__all__:
        value = getattr(django_lbsync, name)
        assert value is not None
        if name != "__version__":
            assert getattr(value, "__name__", name) == name
    assert set(django_lbsync.__all__) <= set(dir(django_lbsync))
    from django_lbsync.api import automigrate

    assert django_lbsync.automigrate is automigrate


def test_submodules_are_attributes_as_before():
    import django_lbsync.discovery as discovery

    assert django_lbsync.discovery is discovery
    assert django_lbsync.api.is_actual is django_lbsync.is_actual


def test_an_unknown_name_is_an_attribute_error():
    try:
        django_lbsync.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("django_lbsync.no_such_name resolved")


@pytest.mark.parametrize("name", ["a.b", "api.x", "no such", "", "1api"])
def test_a_name_that_is_no_identifier_is_an_attribute_error(name):
    assert not hasattr(django_lbsync, name)  # hasattr sees AttributeError only: anything else would raise here
