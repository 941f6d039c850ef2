"""A state's findings as the country page shows them (issues 11 and 13.2): each cited provision
with its verbatim text, source and dates in force; each finding's effective period, the part of
the state it covers and the sources it rests on, in one translated "Verified against ..."
sentence.

The rules are the API's, read through the same helpers: the effective period by
`laws.timeline.period`, the scope by `laws.scope.scope_of` over the state's constituent
jurisdictions, the sources by `laws.api.sources.finding_sources`. A fixed number of queries."""

from babel.lists import format_list
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from laws.api.sources import constituents_by_state, finding_sources
from laws.models import Finding, LawProvision
from laws.scope import scope_of
from laws.sources import SourceGrade
from laws.timeline import Cited, period

from .names import current_language, format_day

GRADE_PHRASES = {
    SourceGrade.OFFICIAL: lambda: _("official source"),
    SourceGrade.AUTHORITATIVE: lambda: _("authoritative source"),
    SourceGrade.SECONDARY: lambda: _("secondary source"),
}


def list_of(items: list[str]) -> str:
    """“a, b and c” in the visitor's language (Arabic: “a وb”, with “،”)."""
    language = current_language()
    try:
        return format_list(items, locale="en_GB" if language == "en" else language)
    except (ValueError, LookupError):
        return ", ".join(items)


def state_findings(state) -> dict[int, Finding]:
    """indicator id -> the state's published, state-level finding, each with `published_evidence`
    (provisions of published laws, with law, jurisdiction and sources), `period_from`,
    `period_to`, `dated`, `known_from`, `scope`, `scope_text` and `verified_against`."""
    provisions = (
        LawProvision.objects.filter(law__publication_status="published")
        .select_related("law__jurisdiction", "source", "text_en_source")
        .order_by("law__title", "order", "pk")
    )
    findings = list(
        Finding.objects.published()
        .filter(state=state, jurisdiction__isnull=True)
        .prefetch_related(Prefetch("evidence", queryset=provisions), "checked_sources")
    )
    constituents = constituents_by_state().get(state.pk, [])
    for finding in findings:
        evidence = list(finding.evidence.all())
        finding.published_evidence = evidence
        finding.checked_list = sorted(finding.checked_sources.all(), key=lambda s: s.url)
        finding.period_from, finding.period_to, finding.dated, finding.known_from = period(
            finding.effective_from,
            finding.effective_to,
            [
                Cited(
                    in_force_from=p.in_force_from,
                    in_force_to=p.in_force_to,
                    law_date_repealed=p.law.date_repealed,
                    jurisdiction_id=p.law.jurisdiction_id,
                    earlier_wording_unread=p.earlier_wording_unread,
                )
                for p in evidence
            ],
            finding.status,
        )
        finding.scope = scope_of([p.law.jurisdiction for p in evidence], constituents)
        finding.scope_text = scope_text(finding.scope) if evidence else ""
        finding.verified_against = verified_against(finding_sources(finding))
    return {f.indicator_id: f for f in findings}


def scope_text(scope) -> str:
    if scope.whole_state:
        return _("Covers: the whole state")
    parts = list_of([_(j.name) for j in scope.jurisdictions])
    if scope.missing:
        return _("Covers: %(parts)s (not %(missing)s)") % {
            "parts": parts,
            "missing": list_of([_(j.name) for j in scope.missing]),
        }
    return _("Covers: %(parts)s") % {"parts": parts}


def source_phrase(source, more_urls: tuple = ()) -> SafeString:
    """`<publisher> (official source, read on 6 December 2026)`, the publisher linked to the
    page read and isolated from the sentence's direction; other pages of the same publisher,
    grade and day follow as numbered links (`[2]`, `[3]`)."""
    grade = GRADE_PHRASES.get(source.grade, lambda: source.get_grade_display())()
    link = format_html('<a href="{}"><bdi>{}</bdi></a>', source.url, source.publisher)
    for number, url in enumerate(more_urls, start=2):
        link = format_html('{} <a href="{}">[{}]</a>', link, url, number)
    return format_html(
        _("%(publisher)s (%(grade)s, read on %(date)s)")
        % {"publisher": "{link}", "grade": "{grade}", "date": "{date}"},
        link=link,
        grade=grade,
        date=format_day(source.read_on),
    )


def verified_against(sources) -> SafeString | str:
    """One sentence naming every source the finding rests on ("" when none)."""
    if not sources:
        return ""
    groups: dict[tuple, list] = {}
    for source in sources:
        groups.setdefault((source.publisher, source.grade, source.read_on), []).append(source)
    phrases = [
        str(source_phrase(group[0], tuple(s.url for s in group[1:]))) for group in groups.values()
    ]
    # The phrases are escaped HTML; the list patterns and the sentence add only punctuation.
    joined = list_of(phrases)
    return mark_safe(_("Verified against %(sources)s.") % {"sources": joined})  # noqa: S308
