"""The hot path: how public answers are served fast, kept in one package with one contract.

**The contract.** Everything here is an optimisation of what plain Django and DRF would answer,
and must never change an answer:

1. *Same bytes.* A response served by the fast path (`fastpath.FastPath`, before Django), by the
   lean handler (`handler`, a shorter middleware stack for anonymous API reads), or from the
   response cache (`cache.PublicCacheMiddleware`, `cache.cache_public_page`) has the status,
   headers and body Django's full stack would have produced for the same request and data.
   tests/hotpath/ checks this byte for byte (hits, misses, HEAD, 304, 429, every language,
   secure and plain requests), and for compiled SQL (`compiled.CompiledQueries`) that a kept
   query reads the same rows as a fresh one.
2. *Fresh at once.* Every stored answer is keyed on the data-version stamp (`models.DataVersion`,
   bumped in the writing transaction by the signals of every model declaring
   `public_data = True`, or once per bulk import through `cache.data_changes()`); a publication
   changes the stamp, so no stored answer of the old data is served after it commits.
3. *Public only.* Only anonymous GET/HEAD of published data is stored or served here; anything
   else (a cookie, an API key, another method, a draft-capable editor's session) goes through
   Django unchanged.
4. *Degrades, never fails.* Redis down means slower answers (misses), never errors; a counter
   that cannot be reached lets requests through (`ratelimit`).

Modules: `models` (the stamp), `cache` (stamp reads, response cache, 304s, per-version memos
`versioned` / `vocabulary_set`), `compiled` (SQL compiled once per key and data version: the
countries list per query string, the country detail per state, the laws list's searches per query
string; on PostgreSQL the first two run as prepared statements, `kept_cursor`), `fastpath` (WSGI
answers for cache hits), `handler` (the lean middleware stack), `ratelimit` (per-client counters in
one Redis round trip with the cache reads; the API and the site's search and export pages),
`db_router` (public reads on a replica), `postgresql` (Django's PostgreSQL backend, its health check
asking the server only when the socket has something to read), `middleware` (security headers, NUL
bytes, the site's gzipped pages). CORS is django-cors-headers' (settings CORS_*); the fast path
replicates its headers too. The apps keep their own fast builders beside the serializer they
replace, each held equal to it by a test (`laws/api/country_detail.py`, `laws/api/law_search.py`,
`LawListSerializer.to_representation`, the countries and treaties lists). It imports only `access`
(who the client is), Django and those libraries (docs/ARCHITECTURE.md). Measured in
docs/PERFORMANCE.md.
"""
