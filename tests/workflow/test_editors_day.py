"""The editor's day (issue 12): what the admin shows an editor at each step."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from laws.models import Law
from tests.conftest import staff_login
from tests.factories import LawFactory, LawProvisionFactory
from tests.workflow.forms import form_data


def heading(html: str) -> str:
    """The page's record heading (Django's subtitle) and its <title>."""
    h2 = re.search(r"<h2>(.*?)</h2>", html, re.S)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    return f"{h2.group(1) if h2 else ''} | {title.group(1) if title else ''}"


@pytest.mark.django_db
def test_after_a_conflict_the_heading_names_the_stored_record(editor, second_editor):
    law = LawFactory(title="Criminal Code", citation="Code 1", publication_status="draft")
    url = reverse("admin:laws_law_change", args=[law.pk])
    first, second = staff_login(Client(), editor), staff_login(Client(), second_editor)
    first_form, second_form = form_data(first.get(url)), form_data(second.get(url))
    first_form["title"] = "Criminal Code (as amended 2019)"
    assert first.post(url, first_form).status_code == 302
    second_form["title"] = "Zqx unsaved title"
    response = second.post(url, second_form)
    assert response.status_code == 200 and "Not saved" in response.text
    shown = heading(response.text)
    assert "Criminal Code (as amended 2019)" in shown and "Zqx unsaved" not in shown
    # The editor's unsaved value stays in the form, to copy from.
    assert 'value="Zqx unsaved title"' in response.text


@pytest.mark.django_db
def test_no_hold_down_control_hint_on_multi_selects(editor):
    law = LawFactory(publication_status="draft")
    provision = LawProvisionFactory(law=law)
    client = staff_login(Client(), editor)
    for url in (
        reverse("admin:laws_law_change", args=[law.pk]),
        reverse("admin:laws_lawprovision_change", args=[provision.pk]),
        reverse("admin:laws_finding_add"),
    ):
        text = client.get(url).text
        assert "Hold down" not in text and "to select more than one" not in text, url


@pytest.mark.django_db
def test_a_laws_history_shows_its_provisions_changes_and_restore_names_the_version(editor):
    law = LawFactory(title="Penal Code", publication_status="draft")
    client = staff_login(Client(), editor)
    url = reverse("admin:laws_law_change", args=[law.pk])
    data = form_data(client.get(url))
    total = int(data["provisions-TOTAL_FORMS"])
    new = f"provisions-{total - 1}"
    data.update({f"{new}-label": "s. 23", f"{new}-heading": "Child pornography"})
    assert client.post(url, data).status_code == 302
    data = form_data(client.get(url))
    prefix = next(k[: -len("-label")] for k, v in data.items() if v == "s. 23")
    data[f"{prefix}-heading"] = "Child sexual abuse material"
    assert client.post(url, data).status_code == 302

    history = client.get(reverse("admin:laws_law_history", args=[law.pk])).text
    assert "Law provisions: their latest changes" in history
    section = history.split('id="dependent-change-history"')[1]
    assert "<del>Child pornography</del> → <ins>Child sexual abuse material</ins>" in section
    assert "s. 23" in section and "(created)" in section

    record = Law.history.filter(id=law.pk).order_by("history_date", "history_id").first()
    confirm = client.get(reverse("admin:laws_law_restore", args=[law.pk, record.history_id])).text
    assert f'value="Restore version {record.version} (' in confirm


@pytest.mark.django_db
def test_evidence_autocomplete_is_the_states_provisions_labelled_as_editors_read_them(editor):
    from tests.factories import FindingFactory, IndicatorFactory, StateFactory

    uganda = StateFactory(iso2="UG", name="Uganda")
    law = LawFactory(state=uganda, title="Computer Misuse Act, 2011")
    s23 = LawProvisionFactory(law=law, label="s. 23", heading="Child pornography")
    LawProvisionFactory(
        law__state=StateFactory(iso2="KE", name="Kenya"), heading="Child pornography"
    )
    client = staff_login(Client(), editor)
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "laws",
            "model_name": "finding",
            "field_name": "evidence",
            "term": "pornography",
            "state": str(uganda.pk),
        },
    ).json()["results"]
    assert found == [
        {"id": str(s23.pk), "text": "Uganda — Computer Misuse Act, 2011, s. 23 Child pornography"}
    ]
    # The finding's page shows the chosen evidence with the same label.
    finding = FindingFactory(
        state=uganda, indicator=IndicatorFactory(), evidence=[s23], publication_status="draft"
    )
    page = client.get(reverse("admin:laws_finding_change", args=[finding.pk])).text
    assert "Uganda — Computer Misuse Act, 2011, s. 23 Child pornography" in page


@pytest.mark.django_db
def test_findings_list_filters_and_lands_on_the_saved_row(editor):
    from tests.factories import FindingFactory

    finding = FindingFactory(publication_status="draft", status="no", note="Reviewed.")
    FindingFactory(publication_status="draft")  # another state and indicator: filters show
    client = staff_login(Client(), editor)
    listing = client.get(reverse("admin:laws_finding_changelist")).text
    for parameter in ("state__id__exact", "indicator__id__exact", "status__exact"):
        assert parameter in listing, parameter
    assert "publication_status__exact" in listing
    filtered = client.get(
        reverse("admin:laws_finding_changelist"), {"state__id__exact": finding.state_id}
    )
    assert f'id="finding-{finding.pk}"' in filtered.text
    url = reverse("admin:laws_finding_change", args=[finding.pk])
    data = form_data(client.get(url))
    data["note"] = "Reviewed the Penal Code."
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#finding-{finding.pk}")


@pytest.mark.django_db
def test_findings_from_the_law_page_several_indicators_at_once_evidence_preselected(editor):
    from laws.models import Finding
    from tests.factories import IndicatorFactory, StateFactory

    uganda = StateFactory(iso2="UG", name="Uganda")
    law = LawFactory(state=uganda, title="Computer Misuse Act, 2011", publication_status="draft")
    production = IndicatorFactory(slug="production", name="Production")
    distribution = IndicatorFactory(slug="distribution", name="Distribution")
    possession = IndicatorFactory(slug="simple_possession", name="Simple possession")
    s23 = LawProvisionFactory(law=law, label="s. 23", heading="Child pornography")
    s24 = LawProvisionFactory(law=law, label="s. 24", heading="Cyber harassment")
    s23.indicators.add(production, distribution)
    client = staff_login(Client(), editor)

    law_page = client.get(reverse("admin:laws_law_change", args=[law.pk])).text
    url = reverse("admin:laws_law_add_findings", args=[law.pk])
    assert url in law_page and "Add findings from this law" in law_page
    provision_page = client.get(reverse("admin:laws_lawprovision_change", args=[s23.pk])).text
    assert f"{url}?provision={s23.pk}" in provision_page

    # From the provision: it alone is ticked, and the indicators it is tagged for.
    form = form_data(client.get(url, {"provision": s23.pk}), "add-findings")
    assert form["provisions"] == [str(s23.pk)]
    assert sorted(form["indicators"]) == sorted([str(production.pk), str(distribution.pk)])
    form["evidence_citation"] = "CMA 2011 s. 23"
    response = client.post(url, form, follow=True)
    assert "Added 2 draft findings" in response.text
    findings = Finding.objects.filter(state=uganda).order_by("indicator__slug")
    assert [(f.indicator.slug, f.status, f.publication_status) for f in findings] == [
        ("distribution", "yes", "draft"),
        ("production", "yes", "draft"),
    ]
    assert all(list(f.evidence.all()) == [s23] for f in findings)
    assert {f.evidence_citation for f in findings} == {"CMA 2011 s. 23"}

    # All or nothing: an indicator none of the ticked provisions bears on is refused, by name.
    form = form_data(client.get(url), "add-findings")
    assert sorted(form["provisions"]) == sorted([str(s23.pk), str(s24.pk)])
    form["indicators"] = [str(possession.pk), str(production.pk)]
    page = client.post(url, form).text
    assert "Simple possession: none of the provisions ticked is tagged for it." in page
    assert "Production: Uganda has a finding already; edit it instead." in page
    assert Finding.objects.filter(state=uganda).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "log_out"),
    [
        ("fr", "ltr", "Déconnexion"),
        ("es", "ltr", "Cerrar sesión"),
        ("ru", "ltr", "Выйти"),
        ("ar", "rtl", "تسجيل الخروج"),
        ("en", "ltr", "Log out"),
    ],
)
def test_the_admin_speaks_five_languages_with_a_switcher(editor, language, direction, log_out):
    client = staff_login(Client(), editor)
    index = reverse("admin:index")
    page = client.get(index).text
    assert 'id="crin-language"' in page and 'value="ar"' in page and "العربية" in page
    response = client.post(reverse("set_language"), {"language": language, "next": index})
    assert response.status_code == 302 and response["Location"] == index
    page = client.get(index).text
    assert f'<html lang="{language}" dir="{direction}"' in page
    assert log_out in page
    # The public site keeps its own addresses: English at /, whatever the admin's language.
    assert '<html lang="en"' in client.get("/").text


@pytest.mark.django_db
def test_the_import_page_links_to_help_an_editor_can_open(editor):
    client = staff_login(Client(), editor)
    upload = client.get(reverse("admin:laws_importbatch_upload")).text
    help_url = reverse("admin_help", args=["bulk-import"])
    assert help_url in upload and "docs/BULK_IMPORT.md" not in upload
    page = client.get(help_url)
    assert page.status_code == 200
    assert "<h1>" in page.text and "country_iso2" in page.text
    assert "<script" not in page.text.split('id="content-main"')[1].split("</main>")[0]
    assert client.get(reverse("admin_help", args=["nope"])).status_code == 404
    assert Client().get(help_url).status_code == 302  # to the login page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Soumettre pour relecture", "Enregistrer et :", "Statut de publication"]),
        ("es", ["Enviar a revisión", "Guardar y:", "Estado de publicación"]),
        ("ru", ["Отправить на проверку", "Сохранить и:", "Статус публикации"]),
        ("ar", ["إرسال للمراجعة", "حفظ ثم:", "حالة النشر"]),
    ],
)
def test_the_workflow_speaks_the_chosen_language_too(editor, language, words):
    law = LawFactory(publication_status="draft")
    client = staff_login(Client(), editor)
    client.post(reverse("set_language"), {"language": language, "next": "/admin/"})
    page = client.get(reverse("admin:laws_law_change", args=[law.pk])).text
    for word in words:
        assert word in page, word
    assert "Submit for review" not in page
