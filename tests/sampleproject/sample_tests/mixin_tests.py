"""The same checks through LoopBackTablesMixin, for `manage.py test sample_tests.mixin_tests` with
Django's plain runner (SAMPLE_PLAIN_RUNNER=1). Not named test_*: the other runs must not collect it."""
from django_lbsync.testing import LoopBackTablesMixin

from . import test_loopback_tables as checks


class MixinTables(LoopBackTablesMixin, checks.TablesInTestDatabase):
    pass


class MixinRowsDoNotLeak(LoopBackTablesMixin, checks.RowsDoNotLeak):
    pass
