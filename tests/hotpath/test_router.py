"""The read-replica router: public reads go to the replica, everything else to the primary."""

from django.test import override_settings

from hotpath.db_router import ReplicaRouter, public_reads, read_alias
from laws.models import Law

REPLICA = {"replica": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}


def databases_with_replica():
    from django.conf import settings

    return {**settings.DATABASES, **REPLICA}


def test_public_reads_go_to_the_replica_and_everything_else_to_the_primary():
    router = ReplicaRouter()
    with override_settings(DATABASES=databases_with_replica()):
        assert router.db_for_read(Law) == "default"  # a command, the admin, a test
        with public_reads():
            assert router.db_for_read(Law) == "replica"
            assert router.db_for_write(Law) == "default"
        assert read_alias() == "default"
    assert router.allow_migrate("default", "laws") is True
    assert router.allow_migrate("replica", "laws") is False


def test_without_a_replica_everything_reads_the_primary():
    with public_reads():
        assert ReplicaRouter().db_for_read(Law) == "default"


def test_reads_inside_a_transaction_stay_on_the_primary(django_db_blocker):
    from django.db import connection, transaction

    with django_db_blocker.unblock(), override_settings(DATABASES=databases_with_replica()):
        try:
            with public_reads(), transaction.atomic():
                assert read_alias() == "default"  # read-your-writes
        finally:
            # Outside a test transaction the atomic block opened a session of its own: left
            # open, it kept the test database from being dropped at the end of the run.
            connection.close()
