"""Django's `flush`, which also empties the LoopBack tables in a test database.

Why here: every test framework empties the database through this one command. Django's
TransactionTestCase (and LiveServerTestCase) call `flush` after each test on each of its databases,
and pytest-django's `transactional_db`/`live_server` run a TransactionTestCase. The command
only empties the tables of Django models (`connection.introspection.django_table_names`), so the
rows a test wrote into LoopBack tables would reach the next test. Django sends no signal before or
after the flush it could be hooked to (its post_migrate is skipped with `available_apps`), and
patching `django_table_names` or TransactionTestCase's private `_fixture_teardown` would tie us to
Django's internals. Overriding a command from an installed app is Django's documented way to extend
it (staticfiles does it with runserver), so one hook covers both test runners.

What it adds: the existing LoopBack tables of the database, emptied with the backend's own
`sql_flush` (TRUNCATE on PostgreSQL, DELETE with foreign key checks off on MySQL, DELETE on
SQLite) under the same `reset_sequences` and `allow_cascade` the caller asked Django for. LoopBack
tables first, so no LoopBack row still points into a Django table being emptied.

When: only while Django's test environment is set up (`setup_test_environment`, which both runners
call; it installs `django.core.mail.outbox`), and only non-interactive flushes, as test cases run
them. A person's `manage.py flush` outside tests keeps Django's meaning: Django's tables only.
"""
from __future__ import annotations

import logging

from django.core import mail
from django.core.management.commands import flush

from ...exceptions import LbsyncError
from ...testing import flush_tables

logger = logging.getLogger("django_lbsync")


class Command(flush.Command):
    help = flush.Command.help + " In a test database, the LoopBack tables are emptied too."

    def handle(self, **options):
        if not options["interactive"] and hasattr(mail, "outbox"):
            try:
                # The defaults Django's flush gives these two when a caller leaves them out.
                flush_tables(options["database"], reset_sequences=options.get("reset_sequences", True),
                             allow_cascade=options.get("allow_cascade", False))
            except LbsyncError as exc:
                # Definitions that cannot be read (a test of bad input) name no tables to empty; the
                # error itself belongs to the test that made it, not to the flush after it.
                logger.warning("LoopBack tables of %r not flushed: %s", options["database"], exc)
        return super().handle(**options)
