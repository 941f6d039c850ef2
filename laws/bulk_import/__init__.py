"""Bulk import with preview: one uploaded CSV or XLSX file of laws, provisions, findings,
participations or their declarations and reservations, checked row by row against the database,
then applied all or nothing.

The rows are validated by the same functions as `manage.py import_laws`
(laws/importers/starter_set.py) and written by the same row-level writers (Model.save() through
`upsert`, findings through `laws.services.finding_save`), so the command, the admin and the rules
agree, and every write is an ordinary save that history records.

- `plan_file(kind, name, content, publish=...)` reads nothing but the database: it returns a `Plan`
  listing, row by row, what would be created, updated (each changed field, old → new), left
  unchanged, or rejected and why.
- `apply_file(...)` re-validates inside one transaction and writes, or writes nothing: a file with
  one rejected row changes nothing. Applying the same file again reports every row unchanged.

Publication: what an upload creates is a draft, unless the uploader may publish (a superuser, or
a holder of the model's `publish_<model>` permission) and asked to publish; then created and
updated rows are published. An upload that does not publish never changes an existing row's
publication state, nor a published record (a row that would is rejected: an editor proposes
such a change in the admin, as a revision a reviewer publishes; core.revisions).

The package, a module per concern (issue 15.4):
- `kinds`: the kinds of upload, their columns, the model each writes, who may import and publish;
- `plan`: the row-by-row plan (`Plan`, `RowPlan`) and the helpers that build it;
- `national`: planning laws, provisions and findings (their rows read by `import_laws`'s readers,
  laws.importers.starter_set, so the two agree);
- `participations`: planning participations and declarations (their row readers);
- `apply`: reading an upload, `plan_file` and `apply_file`;
- `templates`: the example file of each kind.
"""

from .apply import ApplyRefused, apply_file, plan_file
from .kinds import (
    COLUMNS,
    MODELS,
    OPTIONAL_COLUMNS,
    PARTICIPATION_COLUMNS,
    PUBLISH_PERMISSIONS,
    PUBLISHABLE,
    RESERVATION_COLUMNS,
    Kind,
    may_import,
    may_publish,
)
from .plan import CREATE, REJECTED, UNCHANGED, UPDATE, Plan, RowPlan, show
from .templates import EXAMPLES, template_csv, template_xlsx

LAW_COLUMNS = COLUMNS[Kind.LAWS]

__all__ = [
    "COLUMNS",
    "CREATE",
    "EXAMPLES",
    "LAW_COLUMNS",
    "MODELS",
    "OPTIONAL_COLUMNS",
    "PARTICIPATION_COLUMNS",
    "PUBLISHABLE",
    "PUBLISH_PERMISSIONS",
    "REJECTED",
    "RESERVATION_COLUMNS",
    "UNCHANGED",
    "UPDATE",
    "ApplyRefused",
    "Kind",
    "Plan",
    "RowPlan",
    "apply_file",
    "may_import",
    "may_publish",
    "plan_file",
    "show",
    "template_csv",
    "template_xlsx",
]
