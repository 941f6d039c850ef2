"""The search engine: full-text search over laws and law provisions, and typo-tolerant matching
of law titles and country names. One Python interface, two database engines:

- **PostgreSQL**: a `tsvector` column per searched table (`laws_law.search_document`,
  `laws_lawprovision.search_document`) that triggers keep current, built with a text-search
  configuration per law's language (`Law.language`, ISO 639-1 → `crin_french`, ...; `crin_simple`
  otherwise) whose dictionaries strip accents first (`unaccent`); GIN indexes; ranking with
  `ts_rank`; snippets by `ts_headline`; typo tolerance on titles with `pg_trgm` word similarity.
  The columns, configurations, functions, triggers and indexes are created by migration
  `laws.0007_search` (see `install`), not by the models: Django never reads or writes them.
- **SQLite**: FTS5 tables (`laws_law_fts`, `laws_lawprovision_fts`, external content kept by
  triggers) with the `unicode61 remove_diacritics 2` tokenizer and Porter stemming; `bm25` rank
  and FTS5 `snippet`; typo tolerance computed in Python over a bounded number of titles.

The query language is the one of PostgreSQL's `websearch_to_tsquery`, parsed here once for both
engines: words (all must match), `"a phrase"`, `OR` between two terms, `-word` to exclude. Any
other character separates words; nothing a user types reaches the database as syntax. A query
with nothing to look for, or too many terms, is a `SearchQueryError` (a 400 in the API).

Every search runs under `time_limit()`: PostgreSQL `statement_timeout` (local to each query,
carried in the same round trip), an SQLite progress handler. Too slow is a `SearchTimeout`, not
a 500. At most `MAX_CANDIDATES` matches are ranked, so a very common word stays fast.

Snippets come back from the database with private-use marks around matched words; `snippet_html`
escapes the text and turns the marks into `<mark>…</mark>` — the only markup a snippet contains.
"""

from __future__ import annotations

import html
import re
import threading
import time
import unicodedata
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import OperationalError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)

from hotpath.cache import versioned
from laws.search.vocabulary import MAX_ADDED_TERMS, vocabulary
from treaties.api.filters import fold
from treaties.models import State

MAX_TERMS = 32
MAX_CANDIDATES = 1000
# Seconds a search may take before it is cancelled.
TIMEOUT = 5.0
# Typo tolerance: pg_trgm word similarity of the query to a title (and the Python equivalent).
TITLE_SIMILARITY = 0.5
COUNTRY_SIMILARITY = 0.45
COUNTRY_EDIT_RATIO = 0.8
# Titles read in Python for typo tolerance on SQLite (PostgreSQL uses its trigram index).
MAX_FUZZY_TITLES = 5000
SNIPPET_WORDS = 30

MARK_START = "\ue000"
MARK_END = "\ue001"

# ISO 639-1 → PostgreSQL text-search configuration. Only those PostgreSQL has are installed
# (15 has all of these); any other language (ja, ko, ...) uses `simple`: words as written,
# no stemming, accents still ignored.
LANGUAGE_CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}


class SearchQueryError(ValueError):
    """The query text cannot be searched (nothing to look for, too many terms)."""


class SearchTimeout(Exception):
    """The search took longer than TIMEOUT and was cancelled."""


# ---------------------------------------------------------------------------------------------
# The query language
# ---------------------------------------------------------------------------------------------

# A word: letters, digits, underscore, and the combining marks that belong inside words
# (accents in decomposed text, Arabic harakat, Japanese (semi-)voiced marks).
WORD = re.compile(r"(?:\w|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u3099\u309a])+")
CHUNK = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    negated: bool = False


@dataclass
class ParsedQuery:
    """`groups` are ANDed; the terms of a group are ORed (`a b OR c -d` → a, b|c, -d)."""

    groups: list[list[Term]] = field(default_factory=list)

    @property
    def positive_words(self) -> list[str]:
        return [w for g in self.groups for t in g if not t.negated for w in t.words]

    def websearch(self) -> str:
        """The query again, in `websearch_to_tsquery` syntax, from words only."""

        def term(t: Term) -> str:
            text = " ".join(t.words)
            text = f'"{text}"' if len(t.words) > 1 else text
            return ("-" if t.negated else "") + text

        return " ".join(" OR ".join(term(t) for t in group) for group in self.groups)

    def fts5(self) -> str:
        """The query in FTS5 syntax: every word a quoted string (so no word is an operator)."""

        def term(t: Term) -> str:
            return '"' + " ".join(t.words) + '"'

        positive, negative = [], []
        for group in self.groups:
            if all(t.negated for t in group):
                negative.extend(term(t) for t in group)
            else:
                alternatives = [term(t) for t in group if not t.negated]
                positive.append(
                    alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})"
                )
        text = " AND ".join(positive)
        for neg in negative:
            text = f"({text}) NOT {neg}"
        return text


def parse(text: str) -> ParsedQuery:
    """Parse web-search syntax. Raises SearchQueryError when there is nothing to look for."""
    text = unicodedata.normalize("NFC", text or "").replace("\x00", " ")
    query = ParsedQuery()
    pending_or = False
    count = 0
    for match in CHUNK.finditer(text):
        negated = bool(match["neg"])
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        if match["word"] is not None and not negated and raw.upper() == "OR":
            pending_or = bool(query.groups)
            continue
        words = tuple(w.casefold() for w in WORD.findall(raw))
        if not words:
            continue
        count += len(words)
        if count > MAX_TERMS:
            raise SearchQueryError(f"Too many words: at most {MAX_TERMS}.")
        term = Term(words=words, negated=negated)
        if pending_or and not negated and not all(t.negated for t in query.groups[-1]):
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False
    if not query.positive_words:
        raise SearchQueryError(
            "Nothing to search for: give at least one word (letters or digits) not preceded by -."
        )
    return query


def snippet_html(raw: str | None) -> str:
    """Escape a snippet and turn the engine's marks into <mark> elements (the only markup)."""
    if not raw:
        return ""
    text = html.escape(raw, quote=False)
    if text.count(MARK_START) != text.count(MARK_END):
        return text.replace(MARK_START, "").replace(MARK_END, "")
    return text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


# ---------------------------------------------------------------------------------------------
# Trigrams (typo tolerance), as pg_trgm computes them
# ---------------------------------------------------------------------------------------------


def _trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in re.findall(r"\w+", fold(text)):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def word_similarity(query: str, text: str) -> float:
    """The best similarity of `query` to a run of as many consecutive words of `text`."""
    words = re.findall(r"\w+", fold(text))
    width = max(1, len(re.findall(r"\w+", fold(query))))
    if not words:
        return 0.0
    return max(
        similarity(query, " ".join(words[i : i + width]))
        for i in range(max(1, len(words) - width + 1))
    )


def match_states(query: str) -> list[int]:
    """Ids of states whose name (English, UN spelling or official) contains the query ignoring
    accents and case; when none does, those whose name is close to it (a typo: `Frnace`,
    `Camerun`), best first. One query, the same on both engines (~200 names, in Python)."""
    needle = fold(query)
    if not needle:
        return []
    rows = list(State.objects.values_list("pk", "name", "untc_name", "official_name"))
    exact = [pk for pk, *names in rows if any(needle in fold(n) for n in names if n)]
    if exact:
        return exact
    scored = []
    for pk, *names in rows:
        score = max(word_similarity(query, n) for n in names if n)
        # Trigrams miss transposed letters (`Frnace`); a close edit ratio to a word catches them.
        ratio = max(
            SequenceMatcher(None, needle, word).ratio()
            for n in names
            if n
            for word in [fold(n), *fold(n).split()]
        )
        if score >= COUNTRY_SIMILARITY or ratio >= COUNTRY_EDIT_RATIO:
            scored.append((-max(score, ratio), pk))
    return [pk for _, pk in sorted(scored)]


# ---------------------------------------------------------------------------------------------
# Running a search
# ---------------------------------------------------------------------------------------------


def _is_timeout(exc: Exception) -> bool:
    cause = exc.__cause__
    if getattr(cause, "pgcode", None) == "57014" or getattr(cause, "sqlstate", None) == "57014":
        return True
    return "interrupted" in str(exc)


class _LocalSettings:
    """A PostgreSQL execute wrapper: each query carries `SELECT set_config(name, value, true),
    ...;` in front of it, in the same round trip. Outside a transaction, the statements of one
    query string run in one implicit transaction, so the settings hold for that query only
    (what SET LOCAL in a transaction of its own did, without BEGIN, SET and COMMIT each a round
    trip of their own)."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def __call__(self, execute, sql, params, many, context):
        cursor = getattr(context.get("cursor"), "cursor", None)
        if many or getattr(cursor, "name", None):  # executemany, server-side cursors
            return execute(sql, params, many, context)
        settings = ", ".join(
            f"set_config('{name}', '{value}', true)" for name, value in self.values.items()
        )
        return execute(f"SELECT {settings}; {sql}", params, many, context)


def _setting_literal(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.]+", text):
        raise ValueError(f"Not a plain setting: {text!r}")
    return text


# The settings wrapper of the search running on this thread (PostgreSQL, outside a transaction).
_active = threading.local()


@contextmanager
def time_limit(seconds: float | None = None):
    """Run the block with its queries cancelled after `seconds`.

    PostgreSQL: each query carries its own local `statement_timeout` (`_LocalSettings`), or,
    inside a transaction already (tests, a caller's atomic block), a savepoint with SET LOCAL.
    SQLite: a progress handler with a deadline."""
    seconds = TIMEOUT if seconds is None else seconds
    vendor = connection.vendor
    raw = None
    wrapper = None
    in_transaction = connection.in_atomic_block
    # A transaction on PostgreSQL only when already in one, for SET LOCAL; on SQLite one would
    # take the write lock (transaction_mode IMMEDIATE) and the progress handler needs none.
    block = transaction.atomic() if vendor == "postgresql" and in_transaction else nullcontext()
    try:
        with block:
            if vendor == "postgresql" and in_transaction:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, true)",
                        [str(max(1, int(seconds * 1000)))],
                    )
            elif vendor == "postgresql":
                wrapper = _LocalSettings({"statement_timeout": str(max(1, int(seconds * 1000)))})
                _active.wrapper = wrapper
                connection.execute_wrappers.append(wrapper)
            elif vendor == "sqlite":
                # The first query of a thread (a live server's) may come before any connection.
                connection.ensure_connection()
                raw = connection.connection
                deadline = time.monotonic() + seconds
                raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
            yield
    except OperationalError as exc:
        if _is_timeout(exc):
            raise SearchTimeout(f"The search took longer than {seconds:g} s.") from exc
        raise
    finally:
        if raw is not None:
            raw.set_progress_handler(None, 0)
        if wrapper is not None:
            connection.execute_wrappers.remove(wrapper)
            _active.wrapper = None


def _set_local(name: str, value: str) -> None:
    """A setting for the rest of the search: local to its transaction, or carried by each of
    its queries (`time_limit` outside a transaction), or for the session without a limit."""
    wrapper = getattr(_active, "wrapper", None)
    if wrapper is not None and wrapper in connection.execute_wrappers:
        wrapper.values[_setting_literal(name)] = _setting_literal(value)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, %s)", [name, value, not connection.get_autocommit()]
        )


@versioned
def _law_languages() -> frozenset[str]:
    from laws.models import Law

    # Published laws only: a draft in a new language must not change a public query.
    return frozenset(
        Law.objects.published().order_by().values_list("language", flat=True).distinct()
    )


def _pg_configs() -> list[str]:
    """The crin_* configurations to parse the query with: English, simple, and those of the
    languages of the laws held (a word is stemmed as each of those languages would). The
    languages are read once per data version."""
    languages = _law_languages()
    names = {"english", "simple"} | {
        LANGUAGE_CONFIGS[code.lower()] for code in languages if code.lower() in LANGUAGE_CONFIGS
    }
    return sorted(f"crin_{name}" for name in names)


def _pg_config_tsquery(parsed: ParsedQuery, config: str) -> tuple[str, list]:
    """The query as one configuration reads it: each term through `websearch_to_tsquery`, the
    terms of a group joined by `||`, the groups by `&&`, exclusions by `&& !!`. Built from the
    groups, not from the query text: in a tsquery `&` binds tighter than `|`, so the text
    `a OR b c` would read as a | (b & c)."""
    parts, params = [], []

    def term(t: Term) -> str:
        params.extend([config, f'"{" ".join(t.words)}"' if len(t.words) > 1 else t.words[0]])
        return "websearch_to_tsquery(%s::regconfig, %s)"

    for group in parsed.groups:
        if all(t.negated for t in group):
            parts.extend(f"!!{term(t)}" for t in group)
        else:
            parts.append("(" + " || ".join(term(t) for t in group if not t.negated) + ")")
    return "(" + " && ".join(parts) + ")", params


def _pg_tsquery(parsed: ParsedQuery) -> tuple[str, list]:
    """The OR of the query as each configuration reads it."""
    sqls, params = [], []
    for name in _pg_configs():
        sql, more = _pg_config_tsquery(parsed, name)
        sqls.append(sql)
        params += more
    return f"({' || '.join(sqls)})", params


_parsed_queries: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}
PARSED_QUERIES_KEPT = 2048


def _pg_queries(parsed: ParsedQuery) -> tuple[str, str]:
    """(full, match): `_pg_tsquery` as tsquery text, computed by the database once per text and
    process (then no query, and nothing to plan: its ten-odd `websearch_to_tsquery` calls cost
    more to plan than the page query took to run); and the query to match with, the OR of the
    distinct alternatives of `full`, each once. `match` matches exactly what `full` matches,
    but the planner reads its selectivity right: OR-ing the same word once per configuration
    (`'quillwort' | 'quillwort' | ...`) made a rare word look common, and a sequential scan of
    every law was chosen over the GIN index. Ranks and snippets keep `full`."""
    configs = tuple(_pg_configs())
    text = parsed.websearch()
    key = (text, configs)
    found = _parsed_queries.get(key)
    if found is None:
        tsquery, params = _pg_tsquery(parsed)
        each = []
        for name in configs:
            sql, more = _pg_config_tsquery(parsed, name)
            each.append(f"{sql}::text")
            params += more
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {tsquery}::text, {', '.join(each)}", params)
            full, *alternatives = cursor.fetchone()
        distinct = list(dict.fromkeys(q for q in alternatives if q))
        found = (full, " | ".join(f"( {q} )" for q in distinct))
        if len(_parsed_queries) >= PARSED_QUERIES_KEPT:
            _parsed_queries.clear()
        _parsed_queries[key] = found
    return found


HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, MinWords=8, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


@dataclass(frozen=True)
class _Target:
    table: str
    fts: str
    # SQL of the text a snippet is cut from (PostgreSQL), over the table's columns.
    pg_snippet_text: str
    pg_language: str
    # FTS5 column weights (bm25), in the FTS table's column order.
    weights: tuple[float, ...]
    # Typo tolerance: the titles compared with the query (fields, and the folded SQL of them).
    titles: tuple[str, ...]
    pg_title: str


LAWS = _Target(
    table="laws_law",
    fts="laws_law_search",
    pg_snippet_text=(
        "concat_ws(' · ', {t}.title, nullif({t}.title_original, ''), {t}.citation, "
        "nullif(left({t}.full_text, 100000), ''), "
        "(SELECT left(string_agg(concat_ws(' · ', p.label, nullif(p.heading, ''), "
        "nullif(p.summary, ''), nullif(p.text, ''), nullif(p.text_en, '')), ' · '), 100000) "
        "FROM laws_lawprovision p WHERE p.law_id = {t}.id))"
    ),
    pg_language="{t}.language",
    weights=(10.0, 10.0, 5.0, 1.0, 2.0),
    titles=("title", "title_original"),
    # As indexed (laws_law_title_trgm).
    pg_title="crin_fold({t}.title || ' ' || {t}.title_original)",
)
PROVISIONS = _Target(
    table="laws_lawprovision",
    fts="laws_lawprovision_search",
    pg_snippet_text=(
        "concat_ws(' · ', {t}.label, nullif({t}.heading, ''), nullif({t}.summary, ''), "
        "nullif(left({t}.text, 100000), ''), nullif(left({t}.text_en, 100000), ''))"
    ),
    pg_language="(SELECT l.language FROM laws_law l WHERE l.id = {t}.law_id)",
    weights=(5.0, 10.0, 3.0, 1.0, 1.0, 0.5),
    titles=("heading", "law__title", "law__title_original"),
    pg_title=(
        "crin_fold(concat_ws(' ', {t}.heading, (SELECT l.title || ' ' || l.title_original "
        "FROM laws_law l WHERE l.id = {t}.law_id)))"
    ),
)


class _TableSQL(Expression):
    """SQL over the columns of the queryset's own table: `{t}` stands for the table's alias in
    the query that compiles it (Django renames tables inside subqueries)."""

    def __init__(self, sql: str, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, list(params)
        self.pk = F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, _ = compiler.compile(self.pk)
        return self.sql.format(t=pk_sql.rsplit(".", 1)[0]), list(self.params)


def widen(parsed: ParsedQuery, typo: bool = False) -> ParsedQuery:
    """The query with each positive term that names an indicator in the legal-term vocabulary
    (`laws.search.vocabulary`) ORed with all the terms of that indicator, in every language;
    with `typo`, words within a typo of a term too."""
    vocab = vocabulary()
    groups: list[list[Term]] = []
    added = 0
    for group in parsed.groups:
        widened = list(group)
        for term in group:
            if term.negated:
                continue
            for words in vocab.synonyms(term.words, typo):
                synonym = Term(words=words)
                if synonym not in widened and added < MAX_ADDED_TERMS:
                    widened.append(synonym)
                    added += 1
        groups.append(widened)
    return ParsedQuery(groups=groups)


def _expressions(parsed: ParsedQuery, target: _Target):
    """(condition, rank, snippet) of a parsed query on this connection's engine."""
    if connection.vendor == "postgresql":
        full, match = _pg_queries(parsed)
        condition = _TableSQL("{t}.search_document @@ %s::tsquery", [match], BooleanField())
        rank = _TableSQL("ts_rank({t}.search_document, %s::tsquery)", [full], FloatField())
        snippet = _TableSQL(
            f"ts_headline(crin_ts_config({target.pg_language}), {target.pg_snippet_text}, "
            "%s::tsquery, %s)",
            [full, HEADLINE_OPTIONS],
            TextField(),
        )
        return condition, rank, snippet
    match = parsed.fts5()
    fts = target.fts
    weights = ", ".join(str(w) for w in target.weights)
    condition = _TableSQL(
        f"{{t}}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [match], BooleanField()
    )
    rank = _TableSQL(
        f"(SELECT -bm25({fts}, {weights}) FROM {fts} "
        f"WHERE {fts} MATCH %s AND {fts}.rowid = {{t}}.id)",
        [match],
        FloatField(),
    )
    snippet = _TableSQL(
        f"(SELECT snippet({fts}, -1, %s, %s, ' … ', {SNIPPET_WORDS}) FROM {fts} "
        f"WHERE {fts} MATCH %s AND {fts}.rowid = {{t}}.id)",
        [MARK_START, MARK_END, match],
        TextField(),
    )
    return condition, rank, snippet


def _candidates(queryset: QuerySet, condition) -> list[int]:
    return list(queryset.filter(condition).order_by().values_list("pk", flat=True)[:MAX_CANDIDATES])


def _search(queryset: QuerySet, text: str, target: _Target) -> QuerySet:
    parsed = parse(text)
    widened = widen(parsed)
    condition, rank, snippet = _expressions(widened, target)
    ordering = list(queryset.query.order_by or ())
    # Rank at most MAX_CANDIDATES matches: a very common word must not rank the whole table.
    # Their ids are read first, in one query that also tells whether anything matched (the typo
    # fallback) and how many (the count): the full-text match runs once, not once per query.
    candidates = _candidates(queryset, condition)
    if not candidates:
        # Typos: a word within a typo of a vocabulary term is read as that term; failing
        # that, records whose title (a provision: heading, or its law's title) is close.
        typo = widen(parsed, typo=True)
        if typo != widened:
            condition, rank, snippet = _expressions(typo, target)
            candidates = _candidates(queryset, condition)
        if not candidates:
            return _fuzzy_titles(queryset, parsed, ordering, target)
    if connection.vendor == "postgresql":
        # One array parameter: `pk__in` prepares each of up to 1,000 ids in Python.
        among = _TableSQL("{t}.id = ANY(%s)", [candidates], BooleanField())
    else:
        among = Q(pk__in=candidates)
    return _counted(
        queryset.filter(among).annotate(rank=rank, snippet=snippet).order_by("-rank", *ordering),
        len(candidates),
    )


class _CountedQuerySet(QuerySet):
    """A queryset whose count is already known (the paginator asks it first); any derived
    queryset counts again."""

    known_count: int | None = None

    def count(self):
        if self.known_count is not None:
            return self.known_count
        return super().count()

    def _clone(self):
        clone = super()._clone()
        clone.known_count = None
        return clone


_counted_classes: dict[type, type] = {}


def _counted(queryset: QuerySet, count: int) -> QuerySet:
    base = type(queryset)
    if base not in _counted_classes:
        _counted_classes[base] = type(f"Counted{base.__name__}", (_CountedQuerySet, base), {})
    counted = queryset._clone()
    counted.__class__ = _counted_classes[base]
    counted.known_count = count
    return counted


def _fuzzy_titles(
    queryset: QuerySet, parsed: ParsedQuery, ordering: list, target: _Target
) -> QuerySet:
    """Records whose title is close to the query's words (a typo): a law's title (English or
    original); a provision's heading or its law's title."""
    words = " ".join(parsed.positive_words)
    empty_snippet = Value("", output_field=TextField())
    if connection.vendor == "postgresql":
        title = target.pg_title
        condition = _TableSQL(f"crin_fold(%s) <%% {title}", [words], BooleanField())
        score = _TableSQL(f"word_similarity(crin_fold(%s), {title})", [words], FloatField())
        # The threshold of the `<%` operator, for the search's queries (time_limit), else for
        # this session.
        _set_local("pg_trgm.word_similarity_threshold", str(TITLE_SIMILARITY))
        candidates = queryset.filter(condition).order_by().values("pk")[:MAX_CANDIDATES]
        return (
            queryset.filter(pk__in=candidates)
            .annotate(rank=score, snippet=empty_snippet)
            .order_by("-rank", *ordering)
        )
    scored: dict[int, float] = {}
    rows = queryset.order_by("pk").values_list("pk", *target.titles)
    needle = fold(words)
    for pk, *titles in rows[:MAX_FUZZY_TITLES]:
        titles = [t for t in titles if t]
        if any(needle in fold(t) for t in titles):
            # Scripts written without spaces (Japanese, Chinese): FTS5 sees a whole run of
            # characters as one word, so a part of it is found here.
            score = 1.0
        else:
            score = max((word_similarity(words, t) for t in titles), default=0.0)
        if score >= TITLE_SIMILARITY:
            scored[pk] = round(score, 6)
    if not scored:
        return queryset.none().annotate(rank=Value(0.0), snippet=empty_snippet)
    rank = Case(
        *(When(pk=pk, then=Value(score)) for pk, score in scored.items()),
        output_field=FloatField(),
    )
    return (
        queryset.filter(pk__in=list(scored))
        .annotate(rank=rank, snippet=empty_snippet)
        .order_by("-rank", *ordering)
    )


def search_laws(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of Law) restricted to laws matching `text`, best first, annotated with
    `rank` (higher is better; comparable within one result only) and `snippet` (raw: pass it
    through `snippet_html`). Titles, original titles, citations and full texts are searched;
    when nothing matches, titles close to the query (typos) are returned, with an empty snippet.
    """
    return _search(queryset, text, LAWS)


def search_provisions(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of LawProvision) restricted to provisions whose label, heading, summary or
    text matches, best first, annotated with `rank` and `snippet` like `search_laws`."""
    return _search(queryset, text, PROVISIONS)


# ---------------------------------------------------------------------------------------------
# Installation (called by migration laws.0007_search, and after every migrate on SQLite)
# ---------------------------------------------------------------------------------------------

# Only published rows are indexed (a law, and the provisions of a published law): bm25's
# statistics (how many documents, how common a word) are the public's, so saving a draft never
# changes a public rank (issue 12.5). The tables keep their own copy of the text (not
# external content): a row is deleted by rowid whether or not it was indexed.
PUBLISHED = "'published'"
# The FTS5 tables: for each, its columns and the SQL of each column's value over the row
# (`l` a law, `p` a provision). A law's last column is the text of its provisions, so law
# search finds the laws whose provisions match (issue 11.2).
_PROVISION_WORDS = (
    "coalesce(p.label, '') || ' ' || coalesce(p.heading, '') || ' ' || "
    "coalesce(p.summary, '') || ' ' || coalesce(p.text, '') || ' ' || coalesce(p.text_en, '')"
)
SQLITE_FTS = {
    "laws_law": (
        "laws_law_search",
        {
            "title": "l.title",
            "title_original": "l.title_original",
            "citation": "l.citation",
            "full_text": "l.full_text",
            "provisions": (
                f"(SELECT group_concat({_PROVISION_WORDS}, ' ') FROM laws_lawprovision p "
                "WHERE p.law_id = l.id)"
            ),
        },
    ),
    "laws_lawprovision": (
        "laws_lawprovision_search",
        {
            "label": "p.label",
            "heading": "p.heading",
            "summary": "p.summary",
            "text": "p.text",
            "text_en": "p.text_en",
            # Its law's titles and citation: `Strafgesetzbuch` finds § 184b (issue 13.6).
            "law": "l.title || ' ' || coalesce(l.title_original, '') || ' ' || l.citation",
        },
    ),
}
# The external-content tables of the first version (migration 0007), dropped by install.
SQLITE_LEGACY = ("laws_law_fts", "laws_lawprovision_fts")
SQLITE_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def _sqlite_index_laws(where: str) -> str:
    fts, columns = SQLITE_FTS["laws_law"]
    return (
        f"INSERT INTO {fts}(rowid, {', '.join(columns)}) "
        f"SELECT l.id, {', '.join(columns.values())} FROM laws_law l "
        f"WHERE l.publication_status = {PUBLISHED} AND {where}"
    )


def _sqlite_index_provisions(where: str) -> str:
    fts, columns = SQLITE_FTS["laws_lawprovision"]
    return (
        f"INSERT INTO {fts}(rowid, {', '.join(columns)}) "
        f"SELECT p.id, {', '.join(columns.values())} FROM laws_lawprovision p "
        f"JOIN laws_law l ON l.id = p.law_id WHERE l.publication_status = {PUBLISHED} "
        f"AND {where}"
    )


def _sqlite_objects() -> dict[str, str]:
    """Name → CREATE statement of every FTS table and trigger."""
    law_fts, law_columns = SQLITE_FTS["laws_law"]
    provision_fts, provision_columns = SQLITE_FTS["laws_lawprovision"]
    drop_provisions_of = (
        f"DELETE FROM {provision_fts} WHERE rowid IN "
        "(SELECT id FROM laws_lawprovision WHERE law_id = {law}.id);"
    )

    def reindex_law(law: str) -> str:
        return f"DELETE FROM {law_fts} WHERE rowid = {law}; {_sqlite_index_laws(f'l.id = {law}')};"

    return {
        law_fts: f"CREATE VIRTUAL TABLE {law_fts} USING fts5("
        f"{', '.join(law_columns)}, {SQLITE_TOKENIZE})",
        provision_fts: f"CREATE VIRTUAL TABLE {provision_fts} USING fts5("
        f"{', '.join(provision_columns)}, {SQLITE_TOKENIZE})",
        # A law: indexed while published; its provisions follow its publication state.
        f"{law_fts}_ai": f"CREATE TRIGGER {law_fts}_ai AFTER INSERT ON laws_law BEGIN "
        f"{_sqlite_index_laws('l.id = new.id')}; END",
        f"{law_fts}_au": f"CREATE TRIGGER {law_fts}_au AFTER UPDATE ON laws_law BEGIN "
        f"DELETE FROM {law_fts} WHERE rowid = old.id; "
        f"{_sqlite_index_laws('l.id = new.id')}; "
        f"{drop_provisions_of.format(law='new')} "
        f"{_sqlite_index_provisions('p.law_id = new.id')}; END",
        f"{law_fts}_ad": f"CREATE TRIGGER {law_fts}_ad AFTER DELETE ON laws_law BEGIN "
        f"DELETE FROM {law_fts} WHERE rowid = old.id; "
        f"{drop_provisions_of.format(law='old')} END",
        # A provision: indexed while its law is published; its law is indexed again.
        f"{provision_fts}_ai": f"CREATE TRIGGER {provision_fts}_ai AFTER INSERT ON "
        f"laws_lawprovision BEGIN {_sqlite_index_provisions('p.id = new.id')}; "
        f"{reindex_law('new.law_id')} END",
        f"{provision_fts}_au": f"CREATE TRIGGER {provision_fts}_au AFTER UPDATE ON "
        f"laws_lawprovision BEGIN DELETE FROM {provision_fts} WHERE rowid = old.id; "
        f"{_sqlite_index_provisions('p.id = new.id')}; "
        f"{reindex_law('old.law_id')} {reindex_law('new.law_id')} END",
        f"{provision_fts}_ad": f"CREATE TRIGGER {provision_fts}_ad AFTER DELETE ON "
        f"laws_lawprovision BEGIN DELETE FROM {provision_fts} WHERE rowid = old.id; "
        f"{reindex_law('old.law_id')} END",
    }


def _sqlite_rebuild(cursor) -> None:
    """Index every published row again, from nothing."""
    for fts, _ in SQLITE_FTS.values():
        cursor.execute(f"DELETE FROM {fts}")
    cursor.execute(_sqlite_index_laws("1"))
    cursor.execute(_sqlite_index_provisions("1"))


def sqlite_install(cursor) -> None:
    """Create the FTS5 tables and triggers that are missing or differ from `_sqlite_objects`
    (a table whose columns changed is made again), and rebuild the index when anything was
    (re)created. Idempotent. Runs after every migrate: SQLite drops a table's triggers when
    Django rebuilds the table for a schema change (another app's migration), which would leave
    the index stale."""
    for legacy in SQLITE_LEGACY:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {legacy}_{suffix}")
        cursor.execute(f"DROP TABLE IF EXISTS {legacy}")
    cursor.execute("SELECT name, type, sql FROM sqlite_master")
    existing = {name: (kind, sql) for name, kind, sql in cursor.fetchall()}
    changed = False
    for name, statement in _sqlite_objects().items():
        kind, sql = existing.get(name, (None, None))
        if sql == statement:
            continue
        if kind is not None:
            cursor.execute(f"DROP {'TRIGGER' if kind == 'trigger' else 'TABLE'} {name}")
        cursor.execute(statement)
        changed = True
    if changed:
        _sqlite_rebuild(cursor)


def sqlite_uninstall(cursor) -> None:
    for fts, _ in SQLITE_FTS.values():
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        cursor.execute(f"DROP TABLE IF EXISTS {fts}")


def _pg_config_case(available: set[str]) -> str:
    branches = " ".join(
        f"WHEN '{code}' THEN 'crin_{name}'"
        for code, name in sorted(LANGUAGE_CONFIGS.items())
        if name in available
    )
    return f"CASE lower(coalesce(lang, '')) {branches} ELSE 'crin_simple' END"


def postgresql_install(cursor) -> None:
    """Extensions, accent-folding text-search configurations, the document functions, the
    search columns, their triggers and GIN indexes. Idempotent."""
    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    cursor.execute("SELECT cfgname FROM pg_ts_config")
    available = {row[0] for row in cursor.fetchall()}
    cursor.execute(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
    )
    schema = cursor.fetchone()[0]
    wanted = {"simple"} | (set(LANGUAGE_CONFIGS.values()) & available)
    for name in sorted(wanted):
        if f"crin_{name}" in available:
            continue
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION crin_{name} (COPY = pg_catalog.{name})")
        # Strip accents before the language's own dictionary (stemmer) sees a word.
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION crin_{name} ALTER MAPPING FOR "
            f"hword, hword_part, word WITH {schema}.unaccent, "
            f"{'simple' if name == 'simple' else name + '_stem'}"
        )
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION crin_ts_config(lang text) RETURNS regconfig
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT ({_pg_config_case(available)})::regconfig
        $$;
        CREATE OR REPLACE FUNCTION crin_fold(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
          SELECT lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1))
        $$;
        CREATE OR REPLACE FUNCTION crin_law_document(
          title text, title_original text, citation text, full_text text, lang text
        ) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT setweight(to_tsvector('crin_english', coalesce(title, '')), 'A')
              || setweight(to_tsvector(crin_ts_config(lang), coalesce(title_original, '')), 'A')
              || setweight(to_tsvector('crin_simple',
                   concat_ws(' ', title, title_original, citation)), 'B')
              || setweight(to_tsvector(crin_ts_config(lang),
                   left(coalesce(full_text, ''), 200000)), 'D')
        $$;
        DROP FUNCTION IF EXISTS crin_provision_document(text, text, text, text, text);
        CREATE OR REPLACE FUNCTION crin_provision_document(
          label text, heading text, summary text, body text, body_en text, lang text
        ) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT setweight(to_tsvector('crin_simple', coalesce(label, '')), 'B')
              || setweight(to_tsvector(crin_ts_config(lang), coalesce(heading, '')), 'A')
              || setweight(to_tsvector('crin_english', coalesce(heading, '')), 'A')
              || setweight(to_tsvector('crin_english', coalesce(summary, '')), 'B')
              || setweight(to_tsvector('crin_simple', concat_ws(' ', heading, summary)), 'C')
              || setweight(to_tsvector(crin_ts_config(lang),
                   left(coalesce(body, ''), 200000)), 'D')
              || setweight(to_tsvector('crin_english',
                   left(coalesce(body_en, ''), 200000)), 'D')
        $$;
        -- What a provision's law adds to the provision's document (D): its titles and
        -- citation, so `Strafgesetzbuch` finds the provisions of the StGB.
        CREATE OR REPLACE FUNCTION crin_provision_law_document(law bigint)
        RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT coalesce(setweight(to_tsvector('crin_english', l.title)
              || to_tsvector(crin_ts_config(l.language), l.title_original)
              || to_tsvector('crin_simple', concat_ws(' ', l.title, l.title_original, l.citation)),
              'D'), ''::tsvector)
          FROM laws_law l WHERE l.id = law
        $$;
        -- What a law's provisions add to the law's document (issue 11.2): their headings and
        -- summaries (C), their labels (C), their texts in the law's language and in English (D).
        CREATE OR REPLACE FUNCTION crin_law_provisions_document(law bigint, lang text)
        RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT coalesce(
                setweight(to_tsvector(crin_ts_config(lang),
                  string_agg(concat_ws(' ', p.heading, p.summary), ' ')), 'C')
             || setweight(to_tsvector('crin_english',
                  string_agg(concat_ws(' ', p.heading, p.summary), ' ')), 'C')
             || setweight(to_tsvector('crin_simple', string_agg(p.label, ' ')), 'C')
             || setweight(to_tsvector(crin_ts_config(lang),
                  left(string_agg(p.text, ' '), 400000)), 'D')
             || setweight(to_tsvector('crin_english',
                  left(string_agg(p.text_en, ' '), 400000)), 'D'),
             ''::tsvector)
          FROM laws_lawprovision p WHERE p.law_id = law
        $$;
        ALTER TABLE laws_law ADD COLUMN IF NOT EXISTS search_document tsvector;
        ALTER TABLE laws_lawprovision ADD COLUMN IF NOT EXISTS search_document tsvector;
        CREATE OR REPLACE FUNCTION laws_law_search_document() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search_document := crin_law_document(
              NEW.title, NEW.title_original, NEW.citation, NEW.full_text, NEW.language)
            || crin_law_provisions_document(NEW.id, NEW.language);
          RETURN NEW;
        END $$;
        CREATE OR REPLACE FUNCTION laws_lawprovision_search_document() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search_document := crin_provision_document(
              NEW.label, NEW.heading, NEW.summary, NEW.text, NEW.text_en,
              (SELECT language FROM laws_law WHERE id = NEW.law_id))
            || crin_provision_law_document(NEW.law_id);
          RETURN NEW;
        END $$;
        -- A law's document follows its provisions (an UPDATE of search_document alone, which
        -- the law's own trigger does not see).
        CREATE OR REPLACE FUNCTION laws_lawprovision_law_document() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
          ids bigint[];
        BEGIN
          IF TG_OP = 'INSERT' THEN
            ids := ARRAY[NEW.law_id];
          ELSIF TG_OP = 'DELETE' THEN
            ids := ARRAY[OLD.law_id];
          ELSE
            ids := ARRAY[OLD.law_id, NEW.law_id];
          END IF;
          UPDATE laws_law SET search_document = crin_law_document(
              title, title_original, citation, full_text, language)
            || crin_law_provisions_document(id, language)
          WHERE id = ANY(ids);
          RETURN NULL;
        END $$;
        CREATE OR REPLACE FUNCTION laws_law_language_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE laws_lawprovision SET search_document = crin_provision_document(
              label, heading, summary, text, text_en, NEW.language)
            || crin_provision_law_document(NEW.id)
          WHERE law_id = NEW.id;
          RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS laws_law_search ON laws_law;
        CREATE TRIGGER laws_law_search
          BEFORE INSERT OR UPDATE OF title, title_original, citation, full_text, language
          ON laws_law FOR EACH ROW EXECUTE FUNCTION laws_law_search_document();
        DROP TRIGGER IF EXISTS laws_lawprovision_search ON laws_lawprovision;
        CREATE TRIGGER laws_lawprovision_search BEFORE INSERT OR UPDATE ON laws_lawprovision
          FOR EACH ROW EXECUTE FUNCTION laws_lawprovision_search_document();
        DROP TRIGGER IF EXISTS laws_lawprovision_law_search ON laws_lawprovision;
        CREATE TRIGGER laws_lawprovision_law_search
          AFTER INSERT OR UPDATE OR DELETE ON laws_lawprovision
          FOR EACH ROW EXECUTE FUNCTION laws_lawprovision_law_document();
        DROP TRIGGER IF EXISTS laws_law_language ON laws_law;
        CREATE TRIGGER laws_law_language
          AFTER UPDATE OF language, title, title_original, citation ON laws_law
          FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language
            OR OLD.title IS DISTINCT FROM NEW.title
            OR OLD.title_original IS DISTINCT FROM NEW.title_original
            OR OLD.citation IS DISTINCT FROM NEW.citation)
          EXECUTE FUNCTION laws_law_language_changed();
        UPDATE laws_lawprovision p SET search_document = crin_provision_document(
          p.label, p.heading, p.summary, p.text, p.text_en, l.language)
          || crin_provision_law_document(l.id)
          FROM laws_law l WHERE l.id = p.law_id;
        UPDATE laws_law SET search_document = crin_law_document(
          title, title_original, citation, full_text, language)
          || crin_law_provisions_document(id, language);
        CREATE INDEX IF NOT EXISTS laws_law_search_gin ON laws_law USING gin (search_document);
        CREATE INDEX IF NOT EXISTS laws_lawprovision_search_gin
          ON laws_lawprovision USING gin (search_document);
        CREATE INDEX IF NOT EXISTS laws_law_title_trgm ON laws_law
          USING gin (crin_fold(title || ' ' || title_original) gin_trgm_ops);
        """
    )


def postgresql_uninstall(cursor) -> None:
    cursor.execute(
        """
        DROP TRIGGER IF EXISTS laws_law_search ON laws_law;
        DROP TRIGGER IF EXISTS laws_law_language ON laws_law;
        DROP TRIGGER IF EXISTS laws_lawprovision_search ON laws_lawprovision;
        DROP TRIGGER IF EXISTS laws_lawprovision_law_search ON laws_lawprovision;
        DROP INDEX IF EXISTS laws_law_title_trgm;
        ALTER TABLE laws_law DROP COLUMN IF EXISTS search_document;
        ALTER TABLE laws_lawprovision DROP COLUMN IF EXISTS search_document;
        DROP FUNCTION IF EXISTS laws_law_search_document();
        DROP FUNCTION IF EXISTS laws_lawprovision_search_document();
        DROP FUNCTION IF EXISTS laws_law_language_changed();
        DROP FUNCTION IF EXISTS crin_law_document(text, text, text, text, text);
        DROP FUNCTION IF EXISTS laws_lawprovision_law_document();
        DROP FUNCTION IF EXISTS crin_law_provisions_document(bigint, text);
        DROP FUNCTION IF EXISTS crin_provision_law_document(bigint);
        DROP FUNCTION IF EXISTS crin_provision_document(text, text, text, text, text, text);
        DROP FUNCTION IF EXISTS crin_fold(text);
        """
    )


def install(schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            postgresql_install(cursor)
        elif schema_editor.connection.vendor == "sqlite":
            sqlite_install(cursor)


def uninstall(schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            postgresql_uninstall(cursor)
        elif schema_editor.connection.vendor == "sqlite":
            sqlite_uninstall(cursor)
