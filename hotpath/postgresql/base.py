"""Django's PostgreSQL backend with a health check that costs no round trip when nothing has
happened to the connection (settings: `DATABASES[...]["ENGINE"] = "hotpath.postgresql"`).

With `CONN_HEALTH_CHECKS`, Django asks the server `SELECT 1` before the first query of every
request on a kept connection: a round trip per request, about a seventh of the time of a
repeated law search (docs/PERFORMANCE.md). A connection the server has ended (a restart, an
administrator's termination, an idle timeout) has something waiting on its socket: the server's
error message, then the end of the stream. So: when the socket has nothing to read, the
connection is taken as usable, as a check would have found it; when it has (or the client
already knows the connection is broken), the check asks the server, exactly as Django does.

What this does not see, any more than a check made a moment earlier would: a server that
vanishes without a word (a host cut off the network). The query then fails, the request
answers 503 (crin_legal.health), and Django closes the connection at the end of the request,
so the next request connects afresh.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or getattr(connection, "broken", False):
            return False
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # no socket any more
            return False
        if waiting:  # the server said something (or hung up): ask it, as Django does
            return super().is_usable()
        return True
