"""The Atom feed of public changes (`/feeds/changes.atom`): the latest 50 rows of
`/api/v1/changes/`, newest first — a law, finding or participation published, updated or
withdrawn. Drafts never appear: a record is in the feed only once it has been published."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.publication import PublicationStatus
from laws.api.changes import change_rows
from laws.models import Finding, Law
from treaties.models import Participation, State

FEED_SIZE = 50
ACTIONS = {"created": "Published", "updated": "Updated", "withdrawn": "Withdrawn"}


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "CRIN Legal Database: changes"
    subtitle = (
        "National laws, findings and treaty participation published, updated or withdrawn. "
        "For synchronisation use /api/v1/changes/?since=."
    )
    author_name = "CRIN Legal Database"

    def link(self):
        return reverse("public:home")

    def items(self):
        rows = list(change_rows(None, newest_first=True)[:FEED_SIZE])
        names: dict[tuple[str, int], str] = {}
        ids = {kind: [r["c_id"] for r in rows if r["c_kind"] == kind] for kind in ACTIONS_KINDS}
        for law in Law._base_manager.filter(pk__in=ids["law"]).select_related("state"):
            names[("law", law.pk)] = f"{law.title} ({law.state.name})"
        for finding in Finding._base_manager.filter(pk__in=ids["finding"]).select_related(
            "state", "indicator"
        ):
            names[("finding", finding.pk)] = (
                f"{finding.state.name}: {finding.indicator.name} — {finding.get_status_display()}"
            )
        for participation in Participation._base_manager.filter(
            pk__in=ids["participation"]
        ).select_related("state", "treaty"):
            names[("participation", participation.pk)] = (
                f"{participation.state.name} and the {participation.treaty.short_title}"
            )
        states = dict(
            State.objects.filter(iso2__in={r["c_country"] for r in rows}).values_list(
                "iso2", "name"
            )
        )
        for row in rows:
            row["public"] = row["c_status"] == PublicationStatus.PUBLISHED
            if row["public"]:
                row["name"] = names.get((row["c_kind"], row["c_id"]), "")
            else:
                # Its current text may be an unreviewed draft: name it by id and state only.
                where = states.get(row["c_country"], row["c_country"])
                extra = row["c_indicator"] or row["c_treaty"] or ""
                row["name"] = f"#{row['c_id']} ({where}{', ' + extra if extra else ''})"
            # Without a `since`, "created" and "updated" are told apart by the history of
            # the public view: updated when it changed after its publication.
            if not row["public"]:
                row["action"] = "withdrawn"
            elif row["c_changed"] > row["c_published"]:
                row["action"] = "updated"
            else:
                row["action"] = "created"
        return rows

    def item_title(self, item):
        return f"{ACTIONS[item['action']]} {item['c_kind']}: {item['name']}"

    def item_description(self, item):
        if item["action"] == "withdrawn":
            return "No longer part of the published database (withdrawn or under review)."
        return f"Public since {item['c_published']:%Y-%m-%d %H:%M} UTC."

    def item_link(self, item):
        if item["c_kind"] == "law" and item["public"]:
            return reverse("public:law", args=[item["c_id"]])
        return reverse("public:country", args=[item["c_country"]])

    def item_guid(self, item):
        return (
            f"tag:crin-legal,2026:{item['c_kind']}/{item['c_id']}/"
            f"{item['c_changed']:%Y%m%dT%H%M%S.%fZ}"
        )

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return item["c_changed"]

    def item_pubdate(self, item):
        return item["c_changed"]


ACTIONS_KINDS = ("law", "finding", "participation")
