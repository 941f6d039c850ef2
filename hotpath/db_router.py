"""Send public reads to a read replica (`DATABASE_REPLICA_URL`), everything else to the primary.

A read goes to the replica only while serving an anonymous public GET/HEAD (the public API and
site, flagged by `hotpath.cache.PublicCacheMiddleware` through `public_reads()`) and outside
a transaction. The admin, every write, management commands and tests read the primary, so an
editor always sees what they just saved. The data-version stamp of a public request is read
from the same database as its data, so a lagging replica can never get fresh-stamped stale data
into the cache (hotpath/cache.py).
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_public = contextvars.ContextVar("crin_public_reads", default=False)


@contextmanager
def public_reads():
    token = _public.set(True)
    try:
        yield
    finally:
        _public.reset(token)


def read_alias() -> str:
    """Where a public read goes now."""
    if (
        _public.get()
        and REPLICA in settings.DATABASES
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
