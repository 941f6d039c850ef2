"""The PostgreSQL engine: a `tsvector` column per searched table (`laws_law.search_document`,
`laws_lawprovision.search_document`) that triggers keep current, built with a text-search
configuration per law's language (`Law.language`, ISO 639-1 → `crin_french`, ...;
`crin_simple` otherwise) whose dictionaries strip accents first (`unaccent`); GIN indexes;
ranking with `ts_rank`; snippets by `ts_headline`; typo tolerance on titles with `pg_trgm`
word similarity; the time limit a `statement_timeout` local to each query. The columns,
configurations, functions, triggers and indexes are created by `install` (called by the
search migrations), not by the models: Django never reads or writes them."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

from django.db import connection, connections, transaction
from django.db.models import BooleanField, FloatField, QuerySet, TextField, Value

from laws.search.engines.base import CANDIDATES, MAX_CANDIDATES, Engine, TableSQL, Target
from laws.search.query import MARK_END, MARK_START, SNIPPET_WORDS, ParsedQuery, Term
from laws.search.similarity import TITLE_SIMILARITY

try:
    from django.db.backends.postgresql.psycopg_any import is_psycopg3
except ImportError:  # no PostgreSQL driver installed: this engine is never used
    is_psycopg3 = False

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


class _LocalSettings:
    """A PostgreSQL execute wrapper: each query runs with `SELECT set_config(name, value, true)`
    before it, in the same round trip and the same implicit transaction, so the settings hold
    for that query only (what SET LOCAL in a transaction of its own did, without BEGIN, SET and
    COMMIT each a round trip of their own). With psycopg 3 the two go in one pipeline (one Sync:
    one implicit transaction), so the query stays a statement of its own that psycopg can
    prepare (`hotpath.compiled.kept_cursor`: a kept search is planned once per connection, not
    at every request); with psycopg 2, as one string of two statements."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def __call__(self, execute, sql, params, many, context):
        cursor = getattr(context.get("cursor"), "cursor", None)
        if many or getattr(cursor, "name", None):  # executemany, server-side cursors
            return execute(sql, params, many, context)
        settings = ", ".join(
            f"set_config('{name}', '{value}', true)" for name, value in self.values.items()
        )
        if is_psycopg3 and cursor is not None:
            # The query's errors arrive when the pipeline ends: Django's error types for them.
            with context["connection"].wrap_database_errors, cursor.connection.pipeline():
                cursor.execute(f"SELECT {settings}")
                return execute(sql, params, many, context)
        return execute(f"SELECT {settings}; {sql}", params, many, context)


def _setting_literal(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.]+", text):
        raise ValueError(f"Not a plain setting: {text!r}")
    return text


# The settings wrapper of the search running on this thread (PostgreSQL, outside a transaction).
_active = threading.local()


def set_local(name: str, value: str) -> None:
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


# The crin_* configurations installed, read once per process (`_pg_configs`).
_installed: list[str] = []


def _pg_configs() -> list[str]:
    """The configurations to parse the query with: every crin_* configuration installed
    (English, simple, and one per language PostgreSQL stems: LANGUAGE_CONFIGS), so a word is
    stemmed as each of those languages would. Read once per process, not from the languages of
    the laws held: that needed the data version on every request (a round trip of its own) and
    let a draft in a new language change public answers (issue 12.5)."""
    if not _installed:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE %s ORDER BY cfgname",
                ["crin\\_%"],
            )
            _installed.extend(row[0] for row in cursor.fetchall())
    return _installed


_parsed_queries: dict[tuple[str, tuple[str, ...]], str] = {}
PARSED_QUERIES_KEPT = 2048


def _term_text(term: Term) -> str:
    return f'"{" ".join(term.words)}"' if len(term.words) > 1 else term.words[0]


def _pg_query(parsed: ParsedQuery) -> str:
    """The tsquery (as text) to match, rank and cut snippets with. Each term is read by every
    configuration (`websearch_to_tsquery`) and matches if any reading does; the terms of a group
    are ORed, the groups ANDed, an excluded term excludes every reading of it. Built from the
    parsed groups, never from the query text (in a tsquery `&` binds tighter than `|`, so the
    text `a OR b c` would read as a | (b & c)); an exclusion applies to every reading (OR-ing
    whole per-configuration queries let a language whose stemmer reads `-russian` differently
    bring the Russian law back). Each distinct reading once: OR-ing the same word once per
    configuration (`'quillwort' | 'quillwort' | ...`) made a rare word look common to the
    planner (a sequential scan of every law over the GIN index) and made ts_rank and
    ts_headline work through it once per configuration. Computed by the database once per text
    and process (then no query, and nothing to plan)."""
    configs = tuple(_pg_configs())
    key = (parsed.websearch(), configs)
    found = _parsed_queries.get(key)
    if found is not None:
        return found
    terms = list(dict.fromkeys(t.words for group in parsed.groups for t in group))
    with connection.cursor() as cursor:
        # One row per term and configuration (a widened query has tens of terms).
        cursor.execute(
            "SELECT t.i, websearch_to_tsquery(c.name::regconfig, t.term)::text "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, i) "
            "CROSS JOIN unnest(%s::text[]) WITH ORDINALITY AS c(name, j) ORDER BY t.i, c.j",
            [[_term_text(Term(words=words)) for words in terms], list(configs)],
        )
        rows = cursor.fetchall()
    readings: dict[tuple[str, ...], list[str]] = {words: [] for words in terms}
    for i, reading in rows:
        if reading and reading not in readings[terms[i - 1]]:
            readings[terms[i - 1]].append(reading)

    def either(words) -> str:
        return " | ".join(f"( {r} )" for r in readings[words])

    parts = []
    for group in parsed.groups:
        if all(t.negated for t in group):
            parts += [f"!( {either(t.words)} )" for t in group if readings[t.words]]
        else:
            alternatives = [either(t.words) for t in group if not t.negated and readings[t.words]]
            if alternatives:
                parts.append("( " + " | ".join(alternatives) + " )")
    found = " & ".join(parts) if any(not p.startswith("!") for p in parts) else ""
    if len(_parsed_queries) >= PARSED_QUERIES_KEPT:
        _parsed_queries.clear()
    _parsed_queries[key] = found
    return found


HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, MinWords=8, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def _pg_config_case(available: set[str]) -> str:
    """The configuration of a language code, each branch a `regconfig` constant: resolved once
    when a query calling `crin_ts_config` is planned (the function is inlined), where a text
    cast to `regconfig` after the CASE looked the name up in the catalogue for every row (nearly
    half of what a search's snippets cost: docs/PERFORMANCE.md, eighth round)."""
    branches = " ".join(
        f"WHEN '{code}' THEN 'crin_{name}'::regconfig"
        for code, name in sorted(LANGUAGE_CONFIGS.items())
        if name in available
    )
    return f"CASE lower(coalesce(lang, '')) {branches} ELSE 'crin_simple'::regconfig END"


# PostgreSQL refuses to alter or index a table with deferred checks pending in the transaction,
# and a migration on a database holding laws queues them: Django's foreign keys are checked at
# COMMIT (DEFERRABLE INITIALLY DEFERRED), and a row updated again in the transaction that wrote
# it (the documents recomputed: each law twice) queues its foreign keys' checks. From the first
# statement of an install or uninstall the checks are immediate (those already queued run at
# once, later statements queue none), and at the end deferred again, as the keys declare.
_CHECKS_NOW = "SET CONSTRAINTS ALL IMMEDIATE"
_CHECKS_AS_DECLARED = "SET CONSTRAINTS ALL DEFERRED"


def postgresql_install(cursor) -> None:
    """Extensions, accent-folding text-search configurations, the document functions, the
    search columns, their triggers and GIN indexes. Idempotent. Runs in the migration's
    transaction with its deferred checks made immediate (`_CHECKS_NOW`)."""
    cursor.execute(_CHECKS_NOW)
    # Recomputing every document of a large database takes longer than a request may
    # (settings.STATEMENT_TIMEOUT_MS): no limit for the rest of the migration's transaction.
    cursor.execute("SET LOCAL statement_timeout = 0")
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
          SELECT {_pg_config_case(available)}
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
        -- citation, so `Strafgesetzbuch` finds the provisions of the StGB. A function without
        -- FROM, so the planner inlines it (one reading the law itself was planned per row).
        DROP FUNCTION IF EXISTS crin_provision_law_document(bigint);
        CREATE OR REPLACE FUNCTION crin_provision_law_words(
          title text, title_original text, citation text, lang text
        ) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT setweight(to_tsvector('crin_english', coalesce(title, ''))
              || to_tsvector(crin_ts_config(lang), coalesce(title_original, ''))
              || to_tsvector('crin_simple', concat_ws(' ', title, title_original, citation)),
              'D')
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
        -- A provision's own words (its document without its law's): which provisions a law's
        -- snippet is cut from. Not indexed: read only for the laws of a page.
        ALTER TABLE laws_lawprovision ADD COLUMN IF NOT EXISTS own_document tsvector;
        CREATE OR REPLACE FUNCTION laws_law_search_document() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search_document := crin_law_document(
              NEW.title, NEW.title_original, NEW.citation, NEW.full_text, NEW.language);
          IF TG_OP = 'UPDATE' THEN  -- a new law has no provisions yet
            NEW.search_document := NEW.search_document
              || crin_law_provisions_document(NEW.id, NEW.language);
          END IF;
          RETURN NEW;
        END $$;
        CREATE OR REPLACE FUNCTION laws_lawprovision_search_document() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
          law record;
        BEGIN
          SELECT language, title, title_original, citation INTO law
            FROM laws_law WHERE id = NEW.law_id;
          NEW.own_document := crin_provision_document(
              NEW.label, NEW.heading, NEW.summary, NEW.text, NEW.text_en, law.language);
          NEW.search_document := NEW.own_document || crin_provision_law_words(
              law.title, law.title_original, law.citation, law.language);
          RETURN NEW;
        END $$;
        -- A law's document follows its provisions (an UPDATE of search_document alone, which
        -- the law's own trigger does not see). Once per statement, for the laws its rows
        -- belong to (transition tables): a bulk insert of provisions re-indexes each law once,
        -- not once per provision.
        DROP TRIGGER IF EXISTS laws_lawprovision_law_search ON laws_lawprovision;
        DROP FUNCTION IF EXISTS laws_lawprovision_law_document();
        CREATE OR REPLACE FUNCTION laws_lawprovision_law_documents() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            UPDATE laws_law SET search_document = crin_law_document(
                title, title_original, citation, full_text, language)
              || crin_law_provisions_document(id, language)
            WHERE id IN (SELECT law_id FROM new_rows);
          ELSIF TG_OP = 'DELETE' THEN
            UPDATE laws_law SET search_document = crin_law_document(
                title, title_original, citation, full_text, language)
              || crin_law_provisions_document(id, language)
            WHERE id IN (SELECT law_id FROM old_rows);
          ELSE
            UPDATE laws_law SET search_document = crin_law_document(
                title, title_original, citation, full_text, language)
              || crin_law_provisions_document(id, language)
            WHERE id IN (SELECT law_id FROM old_rows UNION SELECT law_id FROM new_rows);
          END IF;
          RETURN NULL;
        END $$;
        CREATE OR REPLACE FUNCTION laws_law_language_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          -- (the provision's own trigger recomputes both documents)
          UPDATE laws_lawprovision SET search_document = NULL WHERE law_id = NEW.id;
          RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS laws_law_search ON laws_law;
        CREATE TRIGGER laws_law_search
          BEFORE INSERT OR UPDATE OF title, title_original, citation, full_text, language
          ON laws_law FOR EACH ROW EXECUTE FUNCTION laws_law_search_document();
        DROP TRIGGER IF EXISTS laws_lawprovision_search ON laws_lawprovision;
        CREATE TRIGGER laws_lawprovision_search BEFORE INSERT OR UPDATE ON laws_lawprovision
          FOR EACH ROW EXECUTE FUNCTION laws_lawprovision_search_document();
        DROP TRIGGER IF EXISTS laws_lawprovision_law_insert ON laws_lawprovision;
        CREATE TRIGGER laws_lawprovision_law_insert AFTER INSERT ON laws_lawprovision
          REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION laws_lawprovision_law_documents();
        DROP TRIGGER IF EXISTS laws_lawprovision_law_update ON laws_lawprovision;
        CREATE TRIGGER laws_lawprovision_law_update AFTER UPDATE ON laws_lawprovision
          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION laws_lawprovision_law_documents();
        DROP TRIGGER IF EXISTS laws_lawprovision_law_delete ON laws_lawprovision;
        CREATE TRIGGER laws_lawprovision_law_delete AFTER DELETE ON laws_lawprovision
          REFERENCING OLD TABLE AS old_rows
          FOR EACH STATEMENT EXECUTE FUNCTION laws_lawprovision_law_documents();
        DROP TRIGGER IF EXISTS laws_law_language ON laws_law;
        CREATE TRIGGER laws_law_language
          AFTER UPDATE OF language, title, title_original, citation ON laws_law
          FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language
            OR OLD.title IS DISTINCT FROM NEW.title
            OR OLD.title_original IS DISTINCT FROM NEW.title_original
            OR OLD.citation IS DISTINCT FROM NEW.citation)
          EXECUTE FUNCTION laws_law_language_changed();
        UPDATE laws_lawprovision SET search_document = NULL;  -- the trigger fills both
        UPDATE laws_law SET search_document = crin_law_document(
          title, title_original, citation, full_text, language)
          || crin_law_provisions_document(id, language);
        CREATE INDEX IF NOT EXISTS laws_law_search_gin ON laws_law USING gin (search_document);
        CREATE INDEX IF NOT EXISTS laws_lawprovision_search_gin
          ON laws_lawprovision USING gin (search_document);
        CREATE INDEX IF NOT EXISTS laws_law_title_trgm ON laws_law
          USING gin (crin_fold(title || ' ' || title_original) gin_trgm_ops);
        {_CHECKS_AS_DECLARED};
        """
    )


def postgresql_uninstall(cursor) -> None:
    cursor.execute(
        f"""
        {_CHECKS_NOW};
        DROP TRIGGER IF EXISTS laws_law_search ON laws_law;
        DROP TRIGGER IF EXISTS laws_law_language ON laws_law;
        DROP TRIGGER IF EXISTS laws_lawprovision_search ON laws_lawprovision;
        DROP TRIGGER IF EXISTS laws_lawprovision_law_search ON laws_lawprovision;
        DROP TRIGGER IF EXISTS laws_lawprovision_law_insert ON laws_lawprovision;
        DROP TRIGGER IF EXISTS laws_lawprovision_law_update ON laws_lawprovision;
        DROP TRIGGER IF EXISTS laws_lawprovision_law_delete ON laws_lawprovision;
        DROP INDEX IF EXISTS laws_law_title_trgm;
        ALTER TABLE laws_law DROP COLUMN IF EXISTS search_document;
        ALTER TABLE laws_lawprovision DROP COLUMN IF EXISTS search_document;
        ALTER TABLE laws_lawprovision DROP COLUMN IF EXISTS own_document;
        DROP FUNCTION IF EXISTS laws_law_search_document();
        DROP FUNCTION IF EXISTS laws_lawprovision_search_document();
        DROP FUNCTION IF EXISTS laws_law_language_changed();
        DROP FUNCTION IF EXISTS crin_law_document(text, text, text, text, text);
        DROP FUNCTION IF EXISTS laws_lawprovision_law_document();
        DROP FUNCTION IF EXISTS laws_lawprovision_law_documents();
        DROP FUNCTION IF EXISTS crin_law_provisions_document(bigint, text);
        DROP FUNCTION IF EXISTS crin_provision_law_words(text, text, text, text);
        DROP FUNCTION IF EXISTS crin_provision_law_document(bigint);
        DROP FUNCTION IF EXISTS crin_provision_document(text, text, text, text, text, text);
        DROP FUNCTION IF EXISTS crin_fold(text);
        {_CHECKS_AS_DECLARED};
        """
    )


# Per table: the SQL of the text a snippet is cut from, of the language it is in, and of the
# folded titles a typo is compared with, over the table's columns (`{t}`).
#
# A law's snippet is cut from its titles and citation and from the provisions whose own words
# match (`own_document`), in their order; from its full text only when no provision matches.
# ts_headline parses every word it is given, so the text is kept to the parts that can hold a
# match: a law of 20 provisions matched in one, or by its title, costs the parsing of that
# provision, or of the title, not of all twenty (the `%s` is the query).
SNIPPET_TEXT = {
    "laws_law": (
        "concat_ws(' · ', {t}.title, nullif({t}.title_original, ''), {t}.citation, "
        "coalesce((SELECT left(string_agg(concat_ws(' · ', p.label, nullif(p.heading, ''), "
        "nullif(p.summary, ''), nullif(p.text, ''), nullif(p.text_en, '')), ' · ' "
        'ORDER BY p."order", p.id), 100000) '
        "FROM laws_lawprovision p WHERE p.law_id = {t}.id AND p.own_document @@ %s::tsquery), "
        "nullif(left({t}.full_text, 100000), '')))"
    ),
    "laws_lawprovision": (
        "concat_ws(' · ', {t}.label, nullif({t}.heading, ''), nullif({t}.summary, ''), "
        "nullif(left({t}.text, 100000), ''), nullif(left({t}.text_en, 100000), ''))"
    ),
}
LANGUAGE = {
    "laws_law": "{t}.language",
    "laws_lawprovision": "(SELECT l.language FROM laws_law l WHERE l.id = {t}.law_id)",
}
TITLE = {
    # As indexed (laws_law_title_trgm).
    "laws_law": "crin_fold({t}.title || ' ' || {t}.title_original)",
    "laws_lawprovision": (
        "crin_fold(concat_ws(' ', {t}.heading, (SELECT l.title || ' ' || l.title_original "
        "FROM laws_law l WHERE l.id = {t}.law_id)))"
    ),
}


class PostgreSQLEngine(Engine):
    vendor = "postgresql"

    def expressions(self, parsed: ParsedQuery, target: Target) -> tuple:
        match = _pg_query(parsed)
        condition = TableSQL("{t}.search_document @@ %s::tsquery", [match], BooleanField())
        rank = self.rank(parsed, target)
        text = SNIPPET_TEXT[target.table]
        snippet = TableSQL(
            f"ts_headline(crin_ts_config({LANGUAGE[target.table]}), {text}, %s::tsquery, %s)",
            [match] * text.count("%s") + [match, HEADLINE_OPTIONS],
            TextField(),
        )
        return condition, rank, snippet

    def rank(self, parsed: ParsedQuery, target: Target, matched: float = 0.0):
        query = _pg_query(parsed)
        if not matched:
            return TableSQL("ts_rank({t}.search_document, %s::tsquery)", [query], FloatField())
        return TableSQL(
            "CASE WHEN {t}.search_document @@ %s::tsquery "
            "THEN %s + ts_rank({t}.search_document, %s::tsquery) ELSE 0.0 END",
            [query, float(matched), query],
            FloatField(),
        )

    def among(self, ids: list[int]):
        # One array parameter: `pk__in` prepares each of up to 1,000 ids in Python.
        return TableSQL("{t}.id = ANY(%s)", [ids], BooleanField())

    def kept_among(self):
        # An array, as `among` passes it: the rows are read by primary key.
        return TableSQL(f"{{t}}.id = ANY(ARRAY(SELECT id FROM {CANDIDATES}))", [], BooleanField())

    def prepare_similar_titles(self) -> None:
        # The threshold of the `<%` operator, for the search's queries (time_limit), else for
        # this session.
        set_local("pg_trgm.word_similarity_threshold", str(TITLE_SIMILARITY))

    def similar_titles(
        self, queryset: QuerySet, words: str, ordering: list, target: Target
    ) -> QuerySet:
        title = TITLE[target.table]
        condition = TableSQL(f"crin_fold(%s) <%% {title}", [words], BooleanField())
        score = TableSQL(f"word_similarity(crin_fold(%s), {title})", [words], FloatField())
        self.prepare_similar_titles()
        candidates = queryset.filter(condition).order_by().values("pk")[:MAX_CANDIDATES]
        return (
            queryset.filter(pk__in=candidates)
            .annotate(rank=score, snippet=Value("", output_field=TextField()))
            .order_by("-rank", *ordering)
        )

    def kept_statement(self, sql: str, params: tuple, using: str) -> tuple[str, tuple]:
        """The values bound into the text, as literals (psycopg's own quoting): a statement with
        no parameters is planned once when prepared. With parameters, PostgreSQL plans the
        first five executions afresh (custom plans) and may keep planning every time; the
        values of a kept statement never change, so nothing is lost by writing them in."""
        if not params:
            return sql, params
        return connections[using].ops.compose_sql(sql, params), ()

    @contextmanager
    def limit(self, seconds: float):
        """Each query carries its own local `statement_timeout` (`_LocalSettings`), or, inside
        a transaction already (tests, a caller's atomic block), a savepoint with SET LOCAL."""
        timeout = str(max(1, int(seconds * 1000)))
        if connection.in_atomic_block:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [timeout])
                yield
            return
        outer = getattr(_active, "wrapper", None)
        if outer is not None and outer in connection.execute_wrappers:
            # A limit inside a limit (the laws list's, then its search's): one wrapper, one
            # set_config per query, with the tighter of the two limits for the inner block.
            values = dict(outer.values)
            current = int(values.get("statement_timeout", timeout))
            outer.values["statement_timeout"] = str(min(current, int(timeout)))
            try:
                yield
            finally:
                outer.values.clear()
                outer.values.update(values)
            return
        wrapper = _LocalSettings({"statement_timeout": timeout})
        _active.wrapper = wrapper
        connection.execute_wrappers.append(wrapper)
        try:
            yield
        finally:
            connection.execute_wrappers.remove(wrapper)
            _active.wrapper = None

    def is_timeout(self, exc: Exception) -> bool:
        cause = exc.__cause__
        return "57014" in (getattr(cause, "pgcode", None), getattr(cause, "sqlstate", None))

    def install(self, cursor) -> None:
        postgresql_install(cursor)

    def uninstall(self, cursor) -> None:
        postgresql_uninstall(cursor)
