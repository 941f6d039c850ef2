"""Only published records reach the public API, site and feeds; the change feed reports
publications, edits and withdrawals; updated_since is strict."""

import datetime
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from core import workflow
from core.publication import PublicationStatus
from crin_legal.api.v1 import public_urlpatterns
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    ParticipationFactory,
    ReservationFactory,
    StateFactory,
    TreatyFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"
TOKENS = {
    PublicationStatus.DRAFT: "Zqxdraftmark",
    PublicationStatus.IN_REVIEW: "Zqxreviewmark",
    PublicationStatus.WITHDRAWN: "Zqxwithdrawnmark",
}


def list_endpoints() -> list[str]:
    """Every parameterless route of API v1, from the URL configuration (so a new endpoint is
    swept without editing this test)."""
    names = []
    for pattern in public_urlpatterns:
        if isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
            if "(?P<" not in str(pattern.pattern):
                names.append(pattern.name)
        elif isinstance(pattern, URLResolver):  # pragma: no cover - none today
            raise AssertionError("nested API routes: extend the sweep")
    return [reverse(f"v1:{name}") for name in names]


def public_pages(state, law, treaty, indicator) -> list[str]:
    pages = [
        reverse("public:home"),
        reverse("public:country_list"),
        reverse("public:country", args=[state.iso2.lower()]),
        reverse("public:law_list"),
        reverse("public:law", args=[law.pk]),
        reverse("public:treaty", args=[treaty.code]),
        reverse("public:compare"),
        reverse("public:search") + "?q=Zqx",
        reverse("public:topic", args=[indicator.topic.slug]),
        reverse("public:downloads"),
        reverse("public:embed_map"),
        "/feeds/changes.atom",
    ]
    return pages + [p + ("&" if "?" in p else "?") + "format=csv" for p in pages[:6]]


def body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx or zip: what is inside
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content


def make_hidden_records(state, indicator, treaty, others):
    """For each non-public status: a law with a provision, a finding, a participation with a
    declaration, all carrying the status's token."""
    for (status, token), other in zip(TOKENS.items(), others, strict=True):
        law = LawFactory(state=state, title=f"{token} Act", citation=f"{token} 1")
        provision = LawProvisionFactory(law=law, heading=f"{token} heading", label=f"s. {token}")
        FindingFactory(
            state=state if status == PublicationStatus.DRAFT else other,
            indicator=indicator,
            note=f"{token} note",
            evidence_citation=f"{token} cite",
            # A draft "yes" citing the draft law; the others "no" (no evidence to create).
            status="yes" if status == PublicationStatus.DRAFT else "no",
            evidence=[provision] if status == PublicationStatus.DRAFT else [],
        )
        participation = ParticipationFactory(state=other, treaty=treaty)
        ReservationFactory(participation=participation, text=f"{token} reservation")
        # A draft provision can also hide in a published law only through its law: none here.
        for model_obj in (law, participation, *other.findings.all()):
            set_status(model_obj, status)
        if status == PublicationStatus.DRAFT:
            set_status(state.findings.get(indicator=indicator), status)


REVISION_TOKEN = "Zqxrevisionmark"


def make_open_revisions(editor, law, finding, participation):
    """An open revision of each published record (one in review, two drafts), every field and
    dependent row an editor changed carrying REVISION_TOKEN."""
    from core.revisions import start_revision

    for original in (law, finding, participation):
        revision, _ = start_revision(editor, original)
        if original is law:
            revision.title = f"{REVISION_TOKEN} Act"
            LawProvisionFactory(law=revision, heading=f"{REVISION_TOKEN} heading")
        elif original is finding:
            revision.note = f"{REVISION_TOKEN} note"
            revision.evidence_citation = f"{REVISION_TOKEN} cite"
        else:
            revision.source_url = f"https://example.org/{REVISION_TOKEN}"
            ReservationFactory(participation=revision, text=f"{REVISION_TOKEN} reservation")
        revision.save()
        if original is law:
            workflow.transition(editor, revision, "submit")


def set_status(obj, status):
    obj.publication_status = status
    obj.save()


@pytest.mark.django_db
def test_drafts_in_review_and_withdrawn_never_leak(client, editor):
    state = StateFactory(name="Publicland")
    treaty = TreatyFactory(code="opsc", short_title="OPSC")
    indicator = IndicatorFactory(slug="simple_possession")
    law = LawFactory(state=state, title="Published Act")
    evidence = [LawProvisionFactory(law=law)]
    finding = FindingFactory(state=state, indicator=IndicatorFactory(), evidence=evidence)
    participation = ParticipationFactory(state=state, treaty=treaty)
    api = list_endpoints()
    assert len(api) >= 7 and reverse("v1:change-list") in api
    pages = public_pages(state, law, treaty, indicator)

    def snapshot():
        out = {}
        for url in api:
            for query in ("", "?page_size=500", "?updated_since=2000-01-01"):
                response = client.get(url + query)
                out[url + query] = (response.status_code, body(response))
        return out

    # States are reference data (always public): those the hidden records belong to exist first.
    others = StateFactory.create_batch(len(TOKENS))
    before = snapshot()
    make_hidden_records(state, indicator, treaty, others)
    # Open revisions of published records (their published versions stay public, unchanged).
    make_open_revisions(editor, law, finding, participation)
    tokens = [*TOKENS.values(), REVISION_TOKEN]
    after = snapshot()
    for url, (status, content) in after.items():
        for token in tokens:
            assert token.encode() not in content, (url, token)
        if not url.startswith(reverse("v1:change-list")):
            # Not even a count moved: every list answers exactly as before.
            assert (status, content) == before[url], url
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 400), url
        content = body(response)
        for token in tokens:
            assert token.encode() not in content, (url, token)
    # Their detail routes are 404s.
    from laws.models import Law

    for hidden in Law.objects.exclude(publication_status="published"):
        assert client.get(reverse("v1:law-detail", args=[hidden.pk])).status_code == 404
        assert client.get(reverse("public:law", args=[hidden.pk])).status_code == 404
    # The only trace of the withdrawn ones: "withdrawn" rows in the change list (ids, no text).
    changes = client.get(reverse("v1:change-list")).json()["results"]
    withdrawn = [c for c in changes if c["action"] == "withdrawn"]
    assert {c["type"] for c in withdrawn} == {"law", "finding", "participation"}
    assert all(c["url"] is None for c in withdrawn)
    # The revised records are not reported at all (their public view did not change).
    revised = {("law", law.pk), ("finding", finding.pk), ("participation", participation.pk)}
    assert not [c for c in changes if (c["type"], c["id"]) in revised and c["action"] != "created"]


@pytest.mark.django_db
def test_change_feed_after_publication_edit_and_withdrawal(client, django_user_model):
    from django.contrib.auth.models import Group

    reviewer = django_user_model.objects.create(username="rev", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    state = StateFactory(iso2="KQ")
    law = LawFactory(state=state, title="Draft Act", publication_status="draft")
    provision = LawProvisionFactory(law=law)
    start = timezone.now()
    changes_url = reverse("v1:change-list")

    def changes(since):
        response = client.get(changes_url, {"since": since.isoformat()})
        assert response.status_code == 200, response.content
        return [(c["type"], c["id"], c["action"]) for c in response.json()["results"]]

    # A draft and its edits never appear.
    law.title = "Draft Act (revised)"
    law.save()
    assert changes(start) == []

    workflow.transition(reviewer, law, "submit")
    workflow.transition(reviewer, law, "publish")
    assert changes(start) == [("law", law.pk, "created")]
    published = timezone.now()

    # An edit of a provision (as a reviewer: stays published) is an update of the law.
    provision.heading = "Possession of indecent images"
    provision.save()
    assert changes(published) == [("law", law.pk, "updated")]
    edited = timezone.now()
    assert (
        client.get(reverse("v1:law-list"), {"updated_since": edited.isoformat()}).json()["count"]
        == 0
    )
    assert (
        client.get(reverse("v1:law-list"), {"updated_since": published.isoformat()}).json()["count"]
        == 1
    )

    workflow.transition(reviewer, law, "withdraw")
    assert changes(edited) == [("law", law.pk, "withdrawn")]
    assert client.get(reverse("v1:law-detail", args=[law.pk])).status_code == 404

    feed = client.get("/feeds/changes.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == f"Withdrawn law: #{law.pk} ({state.name})"
    # One entry per record, at its latest public change; its draft text is not shown.
    assert len(entries) == 1 and b"Draft Act" not in feed.content
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link").get("href")


@pytest.mark.django_db
def test_changes_are_paginated_oldest_first(client):
    laws = LawFactory.create_batch(3)
    response = client.get(reverse("v1:change-list"), {"page_size": 2})
    data = response.json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["next"]
    ids = [r["id"] for r in data["results"]] + [
        r["id"] for r in client.get(data["next"]).json()["results"]
    ]
    assert ids == [law.pk for law in laws]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    ["yesterday", "2026-13-01", "2026-01-01T25:00", "2026-01-01T10:00:00 02:00", "1"],
)
def test_updated_since_rejects_bad_datetimes_on_every_list(client, value):
    for url in list_endpoints():
        response = client.get(url, {"updated_since": value})
        if url == reverse("v1:index"):
            assert response.status_code == 400
            continue
        assert response.status_code == 400, url
        assert "updated_since" in response.json()["errors"], url


@pytest.mark.django_db
def test_updated_since_naive_is_utc_and_offsets_count(client):
    law = LawFactory()
    changed = law.last_public_change
    naive = changed.replace(tzinfo=None) - datetime.timedelta(seconds=1)
    count = client.get(reverse("v1:law-list"), {"updated_since": naive.isoformat()}).json()
    assert count["count"] == 1
    # The same moment one hour later in UTC+02:00 is one hour earlier than the change: listed.
    later = (changed + datetime.timedelta(hours=1)).astimezone(
        datetime.timezone(datetime.timedelta(hours=2))
    )
    assert (
        client.get(reverse("v1:law-list"), {"updated_since": later.isoformat()}).json()["count"]
        == 0
    )


@pytest.mark.django_db
def test_schema_declares_updated_since_and_changes(client):
    schema = client.get(reverse("v1:schema"), {"format": "json"}).json()
    assert "/api/v1/changes/" in schema["paths"]
    for path, operations in schema["paths"].items():
        operation = operations.get("get", {})
        params = {p["name"] for p in operation.get("parameters", [])}
        if path.endswith("/") and "page" in params:
            assert "updated_since" in params, path
