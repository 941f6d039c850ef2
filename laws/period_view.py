"""The view `laws_findingperiod` (`laws.models.FindingPeriod`): each finding's period derived from
its evidence by the rules of `laws.timeline`, in SQL both engines read, computed in one pass
over every cited provision (of a published law) instead of a correlated subquery per rule and
per finding (which PostgreSQL's statement timeout cut under load).

The view lives outside the migrations on purpose: a view blocks later changes to the tables it
reads (PostgreSQL refuses to alter a column a view uses; SQLite's table rebuild fails while a
view names the table). It is dropped before every `migrate` and created again after it, so a
migration never sees it. tests/time/test_findings_in_time.py holds it equal to
`laws.timeline.period`, the same rules in Python.
"""

VIEW = "laws_findingperiod"

SELECT = """
WITH cited AS (
    SELECT fe.finding_id AS finding_id,
           l.jurisdiction_id AS jurisdiction_id,
           p.in_force_from AS start_date,
           CASE WHEN p.earlier_wording_unread THEN 1 ELSE 0 END AS unread,
           COALESCE(p.in_force_to, l.date_repealed) AS end_date
    FROM laws_finding_evidence fe
    JOIN laws_lawprovision p ON p.id = fe.lawprovision_id
    JOIN laws_law l ON l.id = p.law_id
    WHERE l.publication_status = 'published'
),
parts AS (
    SELECT finding_id, jurisdiction_id, MIN(start_date) AS part_start
    FROM cited WHERE jurisdiction_id IS NOT NULL
    GROUP BY finding_id, jurisdiction_id
),
latest_part AS (
    SELECT finding_id, MAX(part_start) AS latest_start FROM parts GROUP BY finding_id
),
totals AS (
    SELECT finding_id,
           COUNT(*) AS cited,
           COUNT(*) - COUNT(start_date) AS unknown_start,
           COUNT(*) - COUNT(end_date) AS unknown_end,
           SUM(unread) AS unread,
           MIN(start_date) AS first_start,
           MAX(end_date) AS last_end,
           MIN(CASE WHEN jurisdiction_id IS NULL THEN start_date END) AS whole_start
    FROM cited GROUP BY finding_id
),
known AS (
    SELECT f.id AS finding_id,
           CASE
               WHEN t.unknown_start = 0 AND f.status = 'yes' AND lp.latest_start IS NOT NULL THEN
                   CASE WHEN t.whole_start IS NOT NULL AND t.whole_start < lp.latest_start
                        THEN t.whole_start ELSE lp.latest_start END
               WHEN t.unknown_start = 0 THEN t.first_start
           END AS known_from,
           t.unread AS unread,
           CASE WHEN t.unknown_end = 0 THEN t.last_end END AS derived_to
    FROM laws_finding f
    LEFT JOIN totals t ON t.finding_id = f.id
    LEFT JOIN latest_part lp ON lp.finding_id = f.id
)
SELECT finding_id,
       CASE WHEN unread = 0 THEN known_from END AS derived_from,
       known_from,
       derived_to
FROM known
"""


def drop(sender=None, using="default", **kwargs):
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")


def create(sender=None, using="default", **kwargs):
    from django.db import connections

    connection = connections[using]
    if "laws_finding_evidence" not in connection.introspection.table_names():
        return  # migrated back before the tables the view reads
    with connection.cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
        cursor.execute(f"CREATE VIEW {VIEW} AS {SELECT}")
