"""Party as of a date is defined once (treaties.models.party_condition / signatory_condition);
every form derived from it reads the same on the real UN Treaty Collection data: the queryset
methods, the database annotation, `Participation.status()`, the countries list's compiled SQL,
its per-row annotation, the country detail, the treaty counts and the per-year timeline.

The saved UNTC pages record no denunciation, so a few withdrawals are added here (test data
only) to hold the rule for withdrawn states too.
"""

import datetime

import pytest
from django.conf import settings
from django.db import connection

from laws.api.views import all_statuses, status_sql, with_status_summary
from laws.timeline import treaty_timeline
from treaties.api.views import treaties_with_counts, treaty_counts
from treaties.models import Participation, ParticipationStatus, State, Treaty

pytestmark = pytest.mark.django_db

UNTC = settings.DATA_DIR / "untc"
PARTY, SIGNATORY = ParticipationStatus.PARTY.value, ParticipationStatus.SIGNATORY.value


@pytest.fixture
def real_data(db, reference_snapshots):
    """The states, treaties and the four UNTC pages (CRC, OPAC, OPSC, OPIC) imported."""
    reference_snapshots.restore("untc_all")


def withdraw(iso2: str, treaty: str, day: datetime.date) -> Participation:
    participation = Participation.objects.get(state__iso2=iso2, treaty__code=treaty)
    participation.withdrawal_date = day
    participation.save()
    return participation


def test_real_pages_agree_before_any_withdrawal(real_data):
    # The header counts of the pages, through the queryset method and through status().
    expected = {"crc": 196, "opac": 173, "opsc": 178, "opic": 53}
    rows = list(Participation.objects.select_related("treaty"))
    assert len(rows) == 632
    for code, parties in expected.items():
        assert Participation.objects.for_treaty(code).parties().count() == parties
        assert sum(p.treaty.code == code and p.status() == PARTY for p in rows) == parties
    # Signed and not party on the CRC: the United States alone (a signature, no consent).
    crc_signatories = Participation.objects.for_treaty("crc").signatories()
    assert [p.state.iso2 for p in crc_signatories] == ["US"]


def test_every_form_of_the_rule_agrees_on_real_data_with_withdrawals(real_data, api):
    # Signed, ratified, then withdrawn; acceded (never signed), then withdrawn.
    signed = withdraw("FR", "opsc", datetime.date(2010, 6, 30))
    acceded = Participation.objects.filter(treaty__code="opac", signature_date__isnull=True).first()
    acceded = withdraw(acceded.state.iso2, "opac", acceded.consent_date + datetime.timedelta(1000))
    assert signed.signature_date and signed.consent_date < signed.withdrawal_date
    assert acceded.signature_date is None

    rows = list(Participation.objects.select_related("state", "treaty"))
    days = [
        None,
        datetime.date(1990, 1, 26),
        datetime.date(1990, 9, 2),
        datetime.date(2002, 1, 18),
        signed.withdrawal_date - datetime.timedelta(1),
        signed.withdrawal_date,
        acceded.withdrawal_date - datetime.timedelta(1),
        acceded.withdrawal_date,
        datetime.date(2026, 2, 3),
    ]
    for day in days:
        expected = {p.pk: p.status(day) for p in rows}
        # The queryset methods and the database annotation, generated from the same definition.
        assert set(Participation.objects.parties(as_of=day).values_list("pk", flat=True)) == {
            pk for pk, s in expected.items() if s == PARTY
        }, day
        assert set(Participation.objects.signatories(as_of=day).values_list("pk", flat=True)) == {
            pk for pk, s in expected.items() if s == SIGNATORY
        }, day
        annotated = dict(Participation.objects.with_status(day).values_list("pk", "status_as_of"))
        assert annotated == expected, day

    # What the rule says about the withdrawn rows themselves.
    assert signed.status(signed.withdrawal_date - datetime.timedelta(1)) == PARTY
    assert signed.status(signed.withdrawal_date) == SIGNATORY
    assert signed.status() == SIGNATORY
    assert acceded.status(acceded.withdrawal_date - datetime.timedelta(1)) == PARTY
    assert acceded.status(acceded.withdrawal_date) == ParticipationStatus.NO_ACTION
    assert acceded.status() == ParticipationStatus.NO_ACTION

    # Now (as_of None): the compiled SQL of the countries list, the per-row annotation of the
    # filtered list, the country detail and the treaty counts all read as status() does.
    now = {(p.state_id, p.treaty_id): p.status() for p in rows}
    sql, _params = status_sql(connection.alias)
    assert "CASE" in sql.upper()  # generated from status_expression, not a second text
    compiled = {
        (state, treaty): status
        for state, (treaties, _findings) in all_statuses().items()
        for treaty, status in treaties.items()
    }
    assert compiled == now
    treaties = list(Treaty.objects.all())
    annotated = {
        (state.pk, t.pk): getattr(state, f"ts_{t.pk}")
        for state in with_status_summary(State.objects.all())
        for t in treaties
        if (state.pk, t.pk) in now
    }
    assert annotated == now

    for participation in (signed, acceded):
        body = api.get(f"/api/v1/countries/{participation.state.iso2}/").json()
        shown = {p["treaty"]: p["status"] for p in body["participations"]}
        assert shown[participation.treaty.code] == participation.status()

    from_status = {
        t.pk: (
            sum(1 for p in rows if p.treaty_id == t.pk and p.status() == PARTY),
            sum(1 for p in rows if p.treaty_id == t.pk and p.signature_date),
            sum(1 for p in rows if p.treaty_id == t.pk and p.status() == SIGNATORY),
        )
        for t in treaties
    }
    counted = {
        t.pk: (t.party_count, t.signatory_count, t.signed_not_party_count)
        for t in treaties_with_counts()
    }
    assert counted == from_status
    assert {pk: tuple(c) for pk, c in treaty_counts(None).items()} == from_status
    opsc = Treaty.objects.get(code="opsc")
    assert from_status[opsc.pk][0] == 177  # 178 on the page, less the withdrawn one

    # The per-year timeline counts through the same rule.
    opac_rows = [p for p in rows if p.treaty.code == "opac"]
    for point in treaty_timeline(opac_rows, datetime.date(2026, 2, 3)):
        parties = sum(p.status(point.date) == PARTY for p in opac_rows)
        assert point.counts["parties"] == parties
