"""The admin in the editor's language (issue 12): with Arabic (right to left) or Russian chosen,
the finding's change page, the findings list (its filters and actions) and the bulk-import page
read in that language — our own labels, help texts, fieldsets and actions, not only Django's."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

# What an editor reads on each page, in each language: (language, direction, {page: [texts]}).
EXPECTED = {
    "ar": (
        "rtl",
        {
            "finding": [
                "تعديل نتيجة",  # Django's "Change %s" with our model's name
                "الأدلة",  # fieldset and field
                "«نعم» أو «جزئيًا» تستشهد بحكم واحد على الأقل من قانون هذه الدولة",
                "إحالة الأدلة",
                "الشرح",
                "الفترة",
                "سارٍ من",
                "المراجعة والنشر",
                "حالة النشر",
                "جزئي",  # a status choice
                "إرسال للمراجعة",  # the workflow button
            ],
            "list": [
                "اختر نتيجة لتغييره",
                "الدولة",  # filter and column
                "مؤشر",
                "حالة النشر",
                "تم التحقق",
                "إرسال للمراجعة",  # the action
                "تنفيذ",  # the action's button (Django's own Arabic lacks it)
                "النسخ المنقّحة",  # the revisions filter
            ],
            "import": [
                "الاستيراد المجمّع",
                "ما يحويه الملف",
                "ملف CSV (UTF-8) أو XLSX",
                "ميغابايت على الأكثر؛ ورقة واحدة؛ قيم لا صيغ.",
                "القوالب",
                "مساعدة: معنى كل عمود، مع أمثلة",
                "معاينة",
            ],
        },
    ),
    "ru": (
        "ltr",
        {
            "finding": [
                "Изменить вывод",
                "Доказательства",
                "Ответ «да» или «частично» ссылается хотя бы на одно положение",
                "Ссылка на доказательства",
                "Пояснение",
                "Период",
                "Применяется с",
                "Проверка и публикация",
                "Статус публикации",
                "Частично",
                "Отправить на проверку",
            ],
            "list": [
                "Выберите вывод для изменения",
                "Государство",
                "Индикатор",
                "статус публикации",
                "проверено",
                "Отправить на проверку",
                "Запустить",
                "Редакции опубликованных записей",  # the revisions filter
            ],
            "import": [
                "Массовый импорт",
                "Что содержит файл",
                "Файл CSV (UTF-8) или XLSX",
                "Не более 5 МБ; один лист; значения, а не формулы.",
                "Шаблоны",
                "Справка: смысл каждого столбца, с примерами",
                "Предварительный просмотр",
            ],
        },
    ),
}

# The same labels in English: none may be left on the translated pages.
ENGLISH = [
    "Review and publication",
    "Evidence",
    "evidence citation",
    "Effective from",
    "Period",
    "Submit for review",
    "What the file holds",
    "Templates",
    "Help: the meaning of each column",
    "At most 5 MB",
    "Filter by",
    "Run",
    "Select an option",
]


def text_of(response) -> str:
    """The page as an editor reads it: its text and the labels of its options and buttons."""
    page = response.content.decode()
    page = re.sub(r"(?s)<script.*?</script>|<style.*?</style>|<svg.*?</svg>", " ", page)
    values = " ".join(re.findall(r'<input[^>]+type="submit"[^>]+value="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + values)


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_admin_reads_in_the_chosen_language(editor_client, language):
    direction, expected = EXPECTED[language]
    finding = FindingFactory(publication_status="draft")
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = {
        "finding": reverse("admin:laws_finding_change", args=[finding.pk]),
        "list": reverse("admin:laws_finding_changelist"),
        "import": reverse("admin:laws_importbatch_upload"),
    }
    for name, url in pages.items():
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}" dir="{direction}"' in response.content.decode(), url
        text = " ".join(text_of(response).split())
        missing = [words for words in expected[name] if words not in text]
        assert missing == [], (name, missing)
        english = [words for words in ENGLISH if re.search(rf"\b{re.escape(words)}\b", text)]
        assert english == [], (name, english)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ar",
            [
                "بلد غير معروف 'ZZ' (رمز ISO 3166-1 alpha-2 بأحرف كبيرة).",
                "قيمة «year_enacted» هي 'soon'، وهي ليست سنة.",
                "قيمة «verified» هي 'maybe'؛ المتوقع yes أو no.",
                "يجب تصحيح الصفوف المرفوضة في الملف ثم رفع الملف مجددًا",
            ],
        ),
        (
            "ru",
            [
                "неизвестная страна 'ZZ' (код ISO 3166-1 alpha-2, заглавными буквами).",
                "«year_enacted» равно 'soon' — это не год.",
                "«verified» равно 'maybe'; ожидается yes или no.",
            ],
        ),
    ],
)
def test_the_import_preview_names_each_rows_problem_in_the_chosen_language(
    editor_client, language, expected
):
    """The row-by-row preview of an upload: what is wrong with each row, in the editor's words."""
    import io

    from laws.bulk_import import LAW_COLUMNS

    row = {column: "" for column in LAW_COLUMNS}
    row.update(
        country_iso2="ZZ",
        title="Children Act",
        citation="Act 1 of 2001",
        instrument_type="act",
        status="in_force",
        year_enacted="soon",
        verified="maybe",
    )
    content = (",".join(LAW_COLUMNS) + "\n" + ",".join(row.values()) + "\n").encode()
    upload = io.BytesIO(content)
    upload.name = "laws.csv"
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = editor_client.post(
        reverse("admin:laws_importbatch_upload"), {"kind": "laws", "file": upload}, follow=True
    )
    assert response.status_code == 200
    text = " ".join(text_of(response).split())
    missing = [words for words in expected if words not in text]
    assert missing == [], missing
    assert "unknown country" not in text and "not a year" not in text


def test_a_page_that_is_not_a_untc_status_page_is_refused_in_the_chosen_language(editor_client):
    import io

    upload = io.BytesIO(b"<html><body><h1>Not a treaty page</h1></body></html>")
    upload.name = "opsc.html"
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = editor_client.post(reverse("admin:laws_importbatch_untc"), {"file": upload})
    text = " ".join(text_of(response).split())
    assert "opsc.html: لا مرجع MTDSG (مثل IV-11-c) في الترويسة." in text, text[-800:]
