"""Admin building blocks of the editorial workflow (docs/EDITORIAL_WORKFLOW.md).

- `VersionedAdminMixin`: the change form carries the version it rendered (hidden field); a save
  based on an older version is refused with the other editor's changes (core.versioning).
- `HistoryAdminMixin`: the record's "History" page lists every version with who, when, why and
  each field's old → new value, and restores any of them (core.workflow.restore_version).
- `WorkflowAdminMixin`: publication status is read-only in the form and moves only through the
  workflow (buttons on the change page, actions on the list), checked by core.workflow;
  a reviewer sees what changed since the last publication. A published record is read-only for
  someone who may not publish: "Propose changes" opens a revision (core.revisions), a
  draft working copy whose page compares it with the published version; the published version
  stays public until a reviewer publishes the revision.
- `RevisionInlineMixin`, `RevisionChildAdminMixin`: the same for a law's provisions and a
  participation's declarations (inline, and on their own pages).
- `recent_changes_view`: every change across the site, newest first (/admin/recent-changes/).
"""

from .history import HistoryAdminMixin, changes_table
from .recent import recent_changes_view, tracked_models
from .revisions import RevisionChildAdminMixin, RevisionInlineMixin
from .versioned import VersionedAdminMixin, VersionedInlineMixin, VersionedModelForm
from .workflow import RevisionListFilter, WorkflowAdminMixin

__all__ = [
    "HistoryAdminMixin",
    "RevisionChildAdminMixin",
    "RevisionInlineMixin",
    "RevisionListFilter",
    "VersionedAdminMixin",
    "VersionedInlineMixin",
    "VersionedModelForm",
    "WorkflowAdminMixin",
    "changes_table",
    "recent_changes_view",
    "tracked_models",
]
