"""Sources in the admin: editors record where a text or date was read, and a forum, an
encyclopaedia copy or a news page is refused with the reason (issue 11)."""

import datetime

from django.urls import reverse

from laws.models import Source

ADD = reverse("admin:laws_source_add")


def form(**fields):
    data = {
        "url": "https://www.legislation.gov.uk/ukpga/1988/33/section/160",
        "grade": "official",
        "publisher": "legislation.gov.uk (The National Archives)",
        "read_on": "2026-12-06",
    }
    data.update(fields)
    return data


def test_an_editor_records_a_graded_source(editor_client):
    response = editor_client.post(ADD, form())
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get()
    assert (source.grade, source.read_on) == ("official", datetime.date(2026, 12, 6))


def test_a_forum_or_a_news_site_is_refused_with_the_reason(editor_client):
    for url, reason in (
        ("https://forums.anandtech.com/threads/1", "is a forum"),
        ("https://www.rt.com/news/1/", "is a news site"),
        ("https://en.wikipedia.org/wiki/Protection_of_Children_Act_1978", "encyclopaedia"),
    ):
        response = editor_client.post(ADD, form(url=url))
        assert response.status_code == 200
        assert reason in response.content.decode(), url
    assert not Source.objects.exists()


def test_a_read_date_in_the_future_and_an_unknown_grade_are_refused(editor_client):
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = editor_client.post(ADD, form(read_on=future, grade="excellent"))
    body = response.content.decode()
    assert "is in the future" in body
    assert "Select a valid choice" in body
    assert not Source.objects.exists()
