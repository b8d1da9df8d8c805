"""The admin as the curation tool: every page answers, and changelists stay at a fixed query count."""

import datetime
import html

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementType,
    Citation,
    Country,
    DataRelease,
    Domain,
    Exercise,
    ExerciseParticipant,
    Organization,
    Source,
)

from .factories import (
    AgreementEventFactory,
    AgreementFactory,
    AgreementPartyFactory,
    CitationFactory,
    CountryFactory,
    ExerciseFactory,
    ExerciseParticipantFactory,
)

ACSA_MODELS = [model for model in admin.site._registry if model._meta.app_label == "acsa_db"]


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def one_of_each(citation, exercise, nato, data_release):
    Domain.objects.create(code="air", name="air")
    event = citation.agreement.events.get()
    party = citation.agreement.parties.first()
    participant = exercise.participants.first()
    Citation.objects.create(source=citation.source, agreement_event=event, claim="date")
    Citation.objects.create(source=citation.source, agreement_party=party, claim="parties")
    Citation.objects.create(source=citation.source, exercise=exercise, claim="existence")
    Citation.objects.create(source=citation.source, exercise_participant=participant, claim="forces")
    return {model: model.objects.first() for model in ACSA_MODELS}


def test_every_model_is_registered():
    expected = {
        Agreement,
        AgreementEvent,
        AgreementParty,
        AgreementType,
        Citation,
        Country,
        DataRelease,
        Domain,
        Exercise,
        ExerciseParticipant,
        Organization,
        Source,
    }
    assert expected <= set(ACSA_MODELS)


@pytest.mark.parametrize("model", ACSA_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_add_and_change_pages_answer(staff_client, one_of_each, model):
    name = f"admin:acsa_db_{model._meta.model_name}"
    obj = one_of_each[model]
    assert obj is not None
    for url in (
        reverse(f"{name}_changelist"),
        reverse(f"{name}_add"),
        reverse(f"{name}_change", args=[obj.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_agreement_page_lists_events_with_their_sources(staff_client, citation):
    event = citation.agreement.events.get()
    Citation.objects.create(source=citation.source, agreement_event=event, claim="date", stance="contradicts")
    response = staff_client.get(reverse("admin:acsa_db_agreement_change", args=[citation.agreement.pk]))
    page = response.content.decode()
    assert "2024-01-29" in page  # the event's date at its precision
    assert citation.source.slug in page
    assert "contradicts" in page


def test_source_page_shows_what_it_is_cited_for_grouped_by_record(staff_client, citation, exercise):
    source = citation.source
    party = citation.agreement.parties.get(country__iso3="DEU")
    Citation.objects.create(source=source, agreement_party=party, claim="parties", stance="contradicts")
    Citation.objects.create(source=source, exercise=exercise, claim="existence")
    response = staff_client.get(reverse("admin:acsa_db_source_change", args=[source.pk]))
    page = html.unescape(response.content.decode())
    agreement_group = page.index("Japan–Germany ACSA (2024)</a></strong>")
    exercise_group = page.index("Test exercise (2022)</a></strong>")
    # The agreement's two facts are listed under it, before the exercise's group.
    assert agreement_group < page.index("the agreement itself") < page.index("party Germany") < exercise_group
    assert 'class="acsa-contradicts"' in page[agreement_group:exercise_group]
    assert "the exercise itself" in page[exercise_group:]


def test_agreement_str_is_what_a_curator_recognises(agreement):
    assert str(agreement) == "Japan–Germany ACSA (2024)"
    assert str(Agreement.objects.with_signature_date().get(pk=agreement.pk)) == "Japan–Germany ACSA (2024)"


def test_searches_and_filters_answer(staff_client, one_of_each):
    pages = [
        ("admin:acsa_db_agreement_changelist", {"q": "Germany"}),
        (
            "admin:acsa_db_agreement_changelist",
            {"party": "DEU", "signed": "2024", "review_status__exact": "draft"},
        ),
        ("admin:acsa_db_exercise_changelist", {"participant": "JPN", "year": "2022", "q": "Test"}),
        (
            "admin:acsa_db_source_changelist",
            {"kind__exact": "official_statement", "language__exact": "en", "q": "Ministry"},
        ),
        ("admin:acsa_db_citation_changelist", {"target": "agreement_event", "stance__exact": "supports"}),
        ("admin:acsa_db_country_changelist", {"q": "740"}),
    ]
    for name, params in pages:
        response = staff_client.get(reverse(name), params)
        assert response.status_code == 200
        assert response.context["cl"].result_count >= 1, (name, params)


def test_party_filter_finds_by_country_key(staff_client, agreement):
    response = staff_client.get(reverse("admin:acsa_db_agreement_changelist"), {"party": "DEU"})
    assert list(response.context["cl"].result_list) == [agreement]
    response = staff_client.get(reverse("admin:acsa_db_agreement_changelist"), {"party": "USA"})
    assert list(response.context["cl"].result_list) == []
    response = staff_client.get(reverse("admin:acsa_db_agreement_changelist"), {"party": "deu"})
    assert list(response.context["cl"].result_list) == [agreement]


def test_a_year_with_no_signature_lists_nothing(staff_client, agreement):
    response = staff_client.get(reverse("admin:acsa_db_agreement_changelist"), {"signed": "1901"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_changelist_shows_citation_count(staff_client, one_of_each):
    response = staff_client.get(reverse("admin:acsa_db_agreement_changelist"))
    agreement = response.context["cl"].result_list[0]
    assert agreement.citation_count == 3  # the record, its event and one party


def test_autocomplete_finds_countries_and_sources(staff_client, citation):
    url = reverse("admin:autocomplete")
    response = staff_client.get(
        url, {"term": "Germ", "app_label": "acsa_db", "model_name": "agreementparty", "field_name": "country"}
    )
    assert [r["text"] for r in response.json()["results"]] == ["Germany"]
    response = staff_client.get(
        url, {"term": "release", "app_label": "acsa_db", "model_name": "citation", "field_name": "source"}
    )
    assert len(response.json()["results"]) == 1


def test_add_agreement_with_inline_party_and_month_event(staff_client, acsa_type, japan, germany, source):
    data = {
        "short_title": "Japan–Germany test",
        "title": "Test agreement",
        "slug": "test-jpn-deu",
        "type": acsa_type.pk,
        "review_status": "draft",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-country": japan.pk,
        "parties-0-role": "party",
        "parties-1-country": germany.pk,
        "parties-1-role": "party",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-0-kind": "negotiation_launch",
        "events-0-date": "2023-09",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-source": source.pk,
        "citations-0-claim": "existence",
        "citations-0-stance": "supports",
    }
    response = staff_client.post(reverse("admin:acsa_db_agreement_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    agreement = Agreement.objects.get(slug="test-jpn-deu")
    assert agreement.parties.count() == 2
    event = agreement.events.get()
    assert (event.date, event.date_precision) == (datetime.date(2023, 9, 1), "month")
    assert agreement.citations.get().source == source


def test_bad_inline_date_is_a_form_error_naming_the_field(staff_client, agreement):
    data = {
        "short_title": agreement.short_title,
        "title": agreement.title,
        "slug": agreement.slug,
        "type": agreement.type.pk,
        "review_status": "draft",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-0-kind": "entry_into_force",
        "events-0-date": "2023-13",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:acsa_db_agreement_change", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert '"2023-13" is not a date' in html.unescape(response.content.decode())
    assert agreement.events.count() == 1


# --- query counts do not grow with the rows shown ---------------------------------------


def make_agreements(n, acsa_type, source):
    countries = CountryFactory.create_batch(n + 1)
    for i in range(n):
        agreement = AgreementFactory(slug=f"a-{i}", title=f"A {i}", short_title=f"A {i}", type=acsa_type)
        first = AgreementPartyFactory(agreement=agreement, country=countries[i])
        AgreementPartyFactory(agreement=agreement, country=countries[i + 1])
        event = AgreementEventFactory(
            agreement=agreement, date=datetime.date(2000 + i % 20, 1, 1), date_precision="year"
        )
        CitationFactory(source=source, agreement=agreement)
        CitationFactory(source=source, agreement_event=event, claim="date")
        CitationFactory(source=source, agreement_party=first, claim="parties")


def make_exercises(n, source):
    host = CountryFactory(name="Host")
    for i in range(n):
        exercise = ExerciseFactory(
            slug=f"e-{i}",
            name=f"E {i}",
            start_date=datetime.date(2020, 1, 1),
            start_date_precision="year",
            host=host,
        )
        participant = ExerciseParticipantFactory(exercise=exercise, country=host)
        CitationFactory(source=source, exercise=exercise)
        CitationFactory(source=source, exercise_participant=participant, claim="forces")


def changelist_queries(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"all": ""})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:acsa_db_agreement_changelist",
        "admin:acsa_db_agreementevent_changelist",
        "admin:acsa_db_agreementparty_changelist",
        "admin:acsa_db_exercise_changelist",
        "admin:acsa_db_exerciseparticipant_changelist",
        "admin:acsa_db_citation_changelist",
        "admin:acsa_db_source_changelist",
    ],
)
def test_changelist_queries_do_not_grow_with_rows(client, django_user_model, acsa_type, source, changelist):
    user = django_user_model.objects.create_superuser("curator", "c@example.org", "x")
    client.force_login(user)
    make_agreements(5, acsa_type, source)
    make_exercises(5, source)
    few = changelist_queries(client, changelist)
    Citation.objects.all().delete()
    for model in (AgreementEvent, AgreementParty, ExerciseParticipant, Agreement, Exercise):
        model.objects.all().delete()
    Country.objects.all().delete()
    make_agreements(50, acsa_type, source)
    make_exercises(50, source)
    many = changelist_queries(client, changelist)
    assert few == many
