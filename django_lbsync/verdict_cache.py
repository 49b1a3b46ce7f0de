"""isactual's answers kept between processes, for a catalog read exactly as before (docs/verdict-cache.md).

isactual, `manage.py check` and get_plan compare the desired schema with the live one. When the model JSON,
the settings and the code are those of a desired-schema cache entry (desired_cache.py: its key and its
witness) and the catalog's rows are exactly those of an earlier run (catalogs/builder.Fetched.digest), the
answer is the one that run computed: the diff is a function of those inputs and of nothing else. So the
plan is kept under the catalog rows' digest in an entry beside the desired schema's (same folder,
MAC and witness), and a run that reads the same rows again answers from it without building the rows into
tables, unpickling the desired schema or comparing them.

get_plan answers only in-sync plans from it: a plan with changes carries row estimates from the catalog's
statistics and risks classified from the live tables, which are not in the digest. is_actual, which reads only
`in_sync`, keeps and answers plans with changes too, unclassified.
"""
from __future__ import annotations

from . import desired_cache, sourcefs
from .plan import Plan

#: Digests kept per entry (the last stored; a hit does not renew one): a database that goes back and forth between a few states, or several
#: databases with the same settings name (test runs), each keep theirs.
MAX_DIGESTS = 8


class Remembered:
    """The plans known for one desired schema (its cache key and witness), by catalog digest: in-sync ones, and
    is_actual's unclassified ones with changes."""

    def __init__(self, entry_key: str, plans: dict[str, Plan], witness: sourcefs.Witness | None,
                 logged: tuple[list, list] = ([], [])):
        self.entry_key = entry_key
        self.plans = plans
        #: The warnings the desired schema stands for (the loader's, the builder's): logged again by an answer
        #: taken from the entry, as the desired-schema cache logs them on a hit (docs/desired-cache.md).
        self.logged = logged
        #: The entry's witness, which held when it was opened (None: no entry): the desired schema's entry is
        #: compared with it instead of asking every question again.
        self.witness = witness

    @classmethod
    def open(cls, desired_key: str | None, prune: bool, online: bool,
             seen: sourcefs.Witness | None, *, loaded: bool = False) -> Remembered | None:
        """The entry for `desired_key` (None: no cache). `seen`: a witness that held just now (the loader's);
        `loaded`: it is a load's own, made this run (desired_cache.load_entry)."""
        if desired_key is None:
            return None
        entry_key = desired_cache.key(kind="kept plans", desired=desired_key, prune=prune, online=online)
        if entry_key is None:
            return None
        found = desired_cache.load_entry(entry_key, seen, loaded=loaded)
        if found is None:
            return cls(entry_key, {}, None)
        value, witness = found
        if len(value) != 3 or not isinstance(value[0], dict) or not all(isinstance(v, list) for v in value[1:]):
            return cls(entry_key, {}, witness)
        return cls(entry_key, value[0], witness, (value[1], value[2]))

    def plan_for(self, digest: str | None, *, any_plan: bool = False) -> Plan | None:
        """The plan kept for `digest`: an in-sync one, or with `any_plan` (is_actual, which reads only `in_sync`)
        also one with changes, kept unclassified."""
        plan = self.plans.get(digest) if digest is not None else None
        return plan if isinstance(plan, Plan) and (any_plan or plan.in_sync) else None

    def replay_warnings(self, loaded: bool) -> None:
        """Log the warnings a computed answer logs: the loader's unless it `loaded` (and logged them) this run,
        and the builder's (api._desired_and_witness on a desired-schema cache hit)."""
        from .api import log_definition_warnings
        from .desired import replay_warnings

        warnings, build_warnings = self.logged
        if not loaded:
            log_definition_warnings(warnings)
        replay_warnings(build_warnings)

    def keep(self, digest: str | None, plan: Plan, witness: sourcefs.Witness | None,
             logged: tuple[list, list] = ([], []), *, classified: bool = True) -> None:
        """Keep `plan` for `digest`; `witness`: the desired schema's (what it was built from), `logged`: the
        warnings it stands for (the loader's, the builder's). A plan with changes is kept unclassified
        (`classified` False: the risks and row estimates are live facts the digest does not cover), for
        is_actual alone; an in-sync plan is the same either way."""
        if digest is None or witness is None or (plan.changes and classified):
            return
        logged = (list(logged[0]), list(logged[1]))
        if self.witness is None or self.witness.observations != witness.observations:
            self.plans = {}  # kept for other definitions (the files changed since the entry was opened): not these
        elif self.plans.get(digest) == plan and self.logged == logged:
            return
        plans = {d: p for d, p in self.plans.items() if d != digest}
        plans[digest] = plan
        self.plans = dict(list(plans.items())[-MAX_DIGESTS:])
        self.logged = logged
        self.witness = witness
        desired_cache.store(self.entry_key, witness, (self.plans, *logged))
