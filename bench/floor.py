"""The floor: one SQL statement per request, the JSON built by PostgreSQL (json_agg), behind a
minimal WSGI app — what PostgREST does. Run by bench/run.py under gunicorn:

    cd bench && FLOOR_DATABASE_URL=postgres://.../crin_bench_s gunicorn -w 5 floor:app

No validation, no pagination links, no vocabulary checks: the least work that answers the query.
"""

import os
from urllib.parse import parse_qs

import psycopg2

PUBLISHED = "'published'"
STATUS = """CASE WHEN p.consent_date IS NOT NULL AND p.withdrawal_date IS NULL THEN 'party'
                 WHEN p.signature_date IS NOT NULL THEN 'signatory' ELSE 'no_action' END"""

SQL = {
    # Q1: countries of a region, OPSC status and the simple-possession finding, 50 per page.
    "/q1": f"""
WITH s AS (
  SELECT s.id, s.iso2, s.iso3, s.name, s.un_status, r.slug AS region, sr.slug AS subregion
  FROM treaties_state s JOIN treaties_region r ON r.id = s.region_id
  LEFT JOIN treaties_region sr ON sr.id = s.subregion_id
  WHERE r.slug = %(region)s OR sr.slug = %(region)s)
SELECT json_build_object('count', (SELECT count(*) FROM s), 'results', coalesce(json_agg(x), '[]'))
FROM (SELECT s.iso2, s.iso3, s.name, s.region, s.subregion, s.un_status,
  coalesce((SELECT {STATUS} FROM treaties_participation p
            JOIN treaties_treaty t ON t.id = p.treaty_id
            WHERE p.state_id = s.id AND t.code = 'opsc' AND p.publication_status = {PUBLISHED}),
           'no_action') AS opsc,
  coalesce((SELECT f.status FROM laws_finding f JOIN laws_indicator i ON i.id = f.indicator_id
            WHERE f.state_id = s.id AND i.slug = 'simple_possession'
              AND f.publication_status = {PUBLISHED}), 'not_assessed') AS simple_possession
  FROM s ORDER BY s.name, s.iso2 LIMIT 50) x""",
    # Q2/Q3: full-text search over laws (an expression GIN index made by bench/generate.py).
    "/search": f"""
WITH m AS (
  SELECT l.id, l.title, l.citation, l.year_enacted, st.iso2
  FROM laws_law l JOIN treaties_state st ON st.id = l.state_id
  WHERE l.publication_status = {PUBLISHED}
    AND to_tsvector('simple', l.title || ' ' || l.title_original || ' ' || l.citation)
        @@ plainto_tsquery('simple', %(q)s))
SELECT json_build_object('count', (SELECT count(*) FROM m),
  'results', (SELECT coalesce(json_agg(x), '[]') FROM (SELECT * FROM m ORDER BY id LIMIT 50) x))""",
    # Q4: one country with its participation (reservations) and findings (evidence).
    "/q4": f"""
SELECT json_build_object('iso2', s.iso2, 'name', s.name,
  'participations', (SELECT coalesce(json_agg(json_build_object('treaty', t.code,
      'status', {STATUS}, 'signature_date', p.signature_date, 'consent_date', p.consent_date,
      'reservations', (SELECT coalesce(json_agg(json_build_object('kind', r.kind, 'text', r.text)
                       ORDER BY r."order"), '[]') FROM treaties_reservation r
                       WHERE r.participation_id = p.id)) ORDER BY t."order"), '[]')
    FROM treaties_participation p JOIN treaties_treaty t ON t.id = p.treaty_id
    WHERE p.state_id = s.id AND p.publication_status = {PUBLISHED}),
  'findings', (SELECT coalesce(json_agg(json_build_object('indicator', i.slug, 'status', f.status,
      'note', f.note, 'evidence', (SELECT coalesce(json_agg(json_build_object('law', l.title,
        'provision', lp.label)), '[]') FROM laws_finding_evidence e
        JOIN laws_lawprovision lp ON lp.id = e.lawprovision_id JOIN laws_law l ON l.id = lp.law_id
        WHERE e.finding_id = f.id AND l.publication_status = {PUBLISHED}))
      ORDER BY i."order"), '[]')
    FROM laws_finding f JOIN laws_indicator i ON i.id = f.indicator_id
    WHERE f.state_id = s.id AND f.publication_status = {PUBLISHED}))
FROM treaties_state s WHERE s.iso2 = upper(%(iso2)s)""",
    # Q5: laws by id, keyset (`after`) — a deep page costs what page 1 costs.
    "/q5": f"""
SELECT coalesce(json_agg(x), '[]') FROM (
  SELECT l.id, l.title, l.citation, l.year_enacted, st.iso2 FROM laws_law l
  JOIN treaties_state st ON st.id = l.state_id
  WHERE l.publication_status = {PUBLISHED} AND l.id > %(after)s ORDER BY l.id LIMIT 50) x""",
    # Q6: per-treaty party and signatory counts in a region.
    "/q6": f"""
SELECT coalesce(json_agg(x ORDER BY x.ord), '[]') FROM (
  SELECT t.code, t."order" AS ord,
    count(*) FILTER (WHERE p.consent_date IS NOT NULL AND p.withdrawal_date IS NULL) AS party_count,
    count(*) FILTER (WHERE p.signature_date IS NOT NULL AND p.consent_date IS NULL)
      AS signatory_count
  FROM treaties_treaty t LEFT JOIN treaties_participation p ON p.treaty_id = t.id
    AND p.publication_status = {PUBLISHED} AND p.state_id IN (
      SELECT s.id FROM treaties_state s JOIN treaties_region r ON r.id = s.region_id
      LEFT JOIN treaties_region sr ON sr.id = s.subregion_id
      WHERE r.slug = %(region)s OR sr.slug = %(region)s)
  GROUP BY t.id) x""",
}
DEFAULTS = {"region": "", "q": "", "iso2": "", "after": "0"}

_connection = None


def connection():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["FLOOR_DATABASE_URL"])
        _connection.autocommit = True
    return _connection


def app(environ, start_response):
    sql = SQL.get(environ.get("PATH_INFO", ""))
    if sql is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail": "Not found."}']
    query = parse_qs(environ.get("QUERY_STRING", ""))
    params = {name: query.get(name, [default])[0] for name, default in DEFAULTS.items()}
    with connection().cursor() as cur:
        # The JSON text as PostgreSQL wrote it: no parsing or re-encoding in Python.
        cur.execute(f"SELECT ({sql})::text", params)
        row = cur.fetchone()
    body = (row[0] or "null").encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]
