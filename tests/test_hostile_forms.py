"""The admin's forms under hostile input: a validation message, never a server error.

Property-based (hypothesis): huge strings, odd Unicode, control characters and
malformed dates go into the agreement, exercise and source forms. Each example
runs in a transaction that is rolled back. The test client re-raises any
exception a view lets escape, so a 500 fails the test. HYPOTHESIS_PROFILE=ci
(the default) runs a few hundred examples; HYPOTHESIS_PROFILE=long runs 10,000
per form (see docs/reliability.md).
"""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from acsa_db.models import Agreement, Exercise, Source

from . import hypothesis_profiles  # noqa: F401  (loads the CI or long profile)

# Any text: astral planes, combining marks, right-to-left marks, NUL and other
# control characters, very long strings.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=5000),
    st.sampled_from(
        [
            "\x00",
            "\u202e\u0645\u0631\u062d\u0628\u0627",
            "Z\u0351\u0362a\u035b\u0357lgo",
            "=1+1",
            "-0",
            "@SUM(A1)",
            "\t\r\n",
            "𝕬𝖌𝖗𝖊𝖊𝖒𝖊𝖓𝖙",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
        ]
    ),
)
hostile_date = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "2023-13",
            "2024-02-30",
            "0000",
            "99999",
            "2024-00",
            "24-01-2024",
            "",
            "2024-1",
            "१९९६",
            "2024-01-29T00:00",
        ]
    ),
    st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"),
)
FORM_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def post_and_roll_back(client, url, data, model, shown_field):
    """Post the form, check what it wrote (the record, or nothing when refused), then roll back.

    ``shown_field`` is a text field of ``model`` that must hold what was posted
    (less the whitespace Django's forms strip at either end).
    """
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        written = list(model.objects.values_list(shown_field, flat=True))
        transaction.set_rollback(True)
    if response.status_code == 302:
        assert written == [data[shown_field].strip()]
    else:
        assert b"errornote" in response.content or b"errorlist" in response.content
        assert written == []
    return response


@FORM_SETTINGS
@given(
    short_title=hostile_text,
    title=hostile_text,
    slug=hostile_text,
    summary=hostile_text,
    event_date=hostile_date,
)
@example(  # one form that saves, so that what a saved form writes is checked in every run
    short_title="  Japan–Germany ACSA ", title=" 日独 ACSA‮ ", slug="jpn-deu", summary="", event_date="2024-01"
)
def test_agreement_form_never_fails(staff_client, acsa_type, short_title, title, slug, summary, event_date):
    data = {
        "short_title": short_title,
        "title": title,
        "slug": slug,
        "type": acsa_type.pk,
        "summary": summary,
        "review_status": "draft",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-0-kind": "signature",
        "events-0-date": event_date,
        "events-0-place": short_title,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    post_and_roll_back(staff_client, reverse("admin:acsa_db_agreement_add"), data, Agreement, "title")
    assert not Agreement.objects.exists()


@FORM_SETTINGS
@given(name=hostile_text, slug=hostile_text, location=hostile_text, start=hostile_date, end=hostile_date)
@example(name=" Pitch Black 𝕬 ", slug="pb-2024", location="Darwin", start="2024-07", end="2024-08-02")
def test_exercise_form_never_fails(staff_client, name, slug, location, start, end):
    data = {
        "name": name,
        "slug": slug,
        "kind": "exercise",
        "status": "held",
        "review_status": "draft",
        "start_date": start,
        "end_date": end,
        "location": location,
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    post_and_roll_back(staff_client, reverse("admin:acsa_db_exercise_add"), data, Exercise, "name")
    assert not Exercise.objects.exists()


@FORM_SETTINGS
@given(
    title=hostile_text,
    publisher=hostile_text,
    url=hostile_text,
    language=hostile_text,
    published=hostile_date,
)
@example(title=" =1+1 ", publisher="", url="https://example.org/a", language="en", published="2024")
def test_source_form_never_fails(staff_client, title, publisher, url, language, published):
    data = {
        "title": title,
        "slug": "hostile-source",
        "publisher": publisher,
        "kind": "news",
        "url": url,
        "language": language,
        "published": published,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    post_and_roll_back(staff_client, reverse("admin:acsa_db_source_add"), data, Source, "title")
    assert not Source.objects.exists()
