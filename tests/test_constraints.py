"""Every integrity rule of the schema (README, "Integrity in the database"), refused by the database itself.

Each write goes around Django's validation (raw SQL or ``QuerySet.update()``),
as a researcher's script would, and must fail on SQLite and PostgreSQL alike.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from acsa_db.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    Citation,
    Country,
    Exercise,
    ExerciseParticipant,
    Source,
)


def refused(sql, params=()):
    """Assert that the database refuses a raw statement."""
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def accepted(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused_update(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


# --- exactly one of country / organization ------------------------------------------------


def test_party_needs_a_country_or_an_organization(agreement):
    refused("INSERT INTO agreement_party (agreement_id, role) VALUES (%s, 'party')", [agreement.pk])


def test_party_cannot_be_both_country_and_organization(agreement, japan, nato):
    party = agreement.parties.get(country=japan)
    refused_update(AgreementParty.objects.filter(pk=party.pk), organization=nato)


def test_participant_needs_exactly_one_party(exercise, japan, nato):
    refused(
        "INSERT INTO exercise_participant (exercise_id, role, forces, note) VALUES (%s, 'participant', '', '')",
        [exercise.pk],
    )
    participant = exercise.participants.get(country=japan)
    refused_update(ExerciseParticipant.objects.filter(pk=participant.pk), organization=nato)


def test_organization_alone_is_a_valid_party(agreement, nato):
    accepted(
        "INSERT INTO agreement_party (agreement_id, organization_id, role) VALUES (%s, %s, 'party')",
        [agreement.pk, nato.pk],
    )


# --- citations ---------------------------------------------------------------------------


def test_citation_needs_a_target(source):
    refused(
        "INSERT INTO citation (source_id, claim, stance, locator, quote, note)"
        " VALUES (%s, 'existence', 'supports', '', '', '')",
        [source.pk],
    )


def test_citation_cannot_have_two_targets(citation, exercise):
    refused_update(Citation.objects.filter(pk=citation.pk), exercise=exercise)


def test_citation_stance_and_claim_are_controlled(citation):
    refused_update(Citation.objects.filter(pk=citation.pk), stance="maybe")
    refused_update(Citation.objects.filter(pk=citation.pk), claim="vibes")


def test_same_source_same_claim_same_fact_is_refused(citation):
    refused_update(
        Citation.objects.filter(
            pk=Citation.objects.create(
                source=citation.source, agreement=citation.agreement, claim=Citation.Claim.DATE
            ).pk
        ),
        claim=Citation.Claim.EXISTENCE,
    )


# --- partial dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, precision",
    [
        (datetime.date(2024, 1, 15), "month"),  # month precision must be the 1st
        (datetime.date(2024, 2, 1), "year"),  # year precision must be 1 January
        (datetime.date(2024, 1, 1), None),  # a date needs its precision
        (None, "day"),  # a precision needs its date
        (datetime.date(2024, 1, 1), "week"),  # only day, month, year
    ],
)
def test_event_partial_date_must_be_consistent(agreement, date, precision):
    event = agreement.events.get()
    refused_update(AgreementEvent.objects.filter(pk=event.pk), date=date, date_precision=precision)


@pytest.mark.parametrize(
    "date, precision",
    [(datetime.date(2023, 9, 1), "month"), (datetime.date(2024, 1, 1), "year"), (None, None)],
)
def test_event_partial_date_consistent_values_are_accepted(agreement, date, precision):
    event = agreement.events.get()
    AgreementEvent.objects.filter(pk=event.pk).update(date=date, date_precision=precision)
    event.refresh_from_db()
    assert (event.date, event.date_precision) == (date, precision)


def test_source_published_precision_is_checked(source):
    refused_update(
        Source.objects.filter(pk=source.pk), published=datetime.date(2024, 1, 29), published_precision="year"
    )


def test_exercise_start_date_precision_is_checked(exercise):
    refused_update(Exercise.objects.filter(pk=exercise.pk), start_date_precision="month")


# --- an exercise's end not before its start ----------------------------------------------


def test_exercise_end_before_start_is_refused(exercise):
    refused_update(Exercise.objects.filter(pk=exercise.pk), end_date=datetime.date(2022, 9, 27))


def test_exercise_end_before_start_refused_in_raw_sql(exercise):
    refused(
        "UPDATE exercise SET end_date = %s, end_date_precision = 'month' WHERE id = %s",
        [datetime.date(2022, 8, 1), exercise.pk],
    )
    refused(
        "UPDATE exercise SET end_date = %s, end_date_precision = 'year' WHERE id = %s",
        [datetime.date(2021, 1, 1), exercise.pk],
    )


def test_exercise_end_known_to_the_month_may_share_the_start_month(exercise):
    # Start 2022-09-28; an end of "2022-09" is not before it although 2022-09-01 < 2022-09-28.
    Exercise.objects.filter(pk=exercise.pk).update(
        end_date=datetime.date(2022, 9, 1), end_date_precision="month"
    )
    Exercise.objects.filter(pk=exercise.pk).update(
        end_date=datetime.date(2022, 1, 1), end_date_precision="year"
    )


# --- uniqueness --------------------------------------------------------------------------


def test_slugs_are_unique(agreement, exercise, source):
    refused_update(
        Agreement.objects.filter(
            pk=Agreement.objects.create(slug="other", title="x", short_title="x", type=agreement.type).pk
        ),
        slug=agreement.slug,
    )
    refused(
        "INSERT INTO exercise (slug, name, series, kind, status, location, scenario, summary, notes, review_status) VALUES (%s, 'x', '', 'exercise', 'held', '', '', '', '', 'draft')",
        [exercise.slug],
    )
    refused(
        "INSERT INTO source (slug, title, publisher, authors, kind, archive_url, language, relays_description, notes) VALUES (%s, 'x', '', '', 'news', '', 'en', '', '')",
        [source.slug],
    )


def test_source_urls_are_unique_where_present(source):
    refused(
        "INSERT INTO source (slug, title, publisher, authors, kind, url, archive_url, language, relays_description, notes)"
        " VALUES ('another', 'x', '', '', 'news', %s, '', 'en', '', '')",
        [source.url],
    )
    # Sources without a URL (an unpublished brief) are allowed side by side.
    for slug in ("no-url-1", "no-url-2"):
        accepted(
            "INSERT INTO source (slug, title, publisher, authors, kind, archive_url, language, relays_description, notes)"
            " VALUES (%s, 'x', '', '', 'analysis', '', 'en', '', '')",
            [slug],
        )


def test_iso_and_cow_codes_are_unique(japan):
    refused("INSERT INTO country (iso3, cow_abbrev, name) VALUES ('JPN', '', 'Japan again')")
    refused("INSERT INTO country (cow_code, cow_abbrev, name) VALUES (740, 'JPN', 'Japan again')")


def test_country_needs_an_iso3_or_a_cow_code(db):
    refused("INSERT INTO country (cow_abbrev, name) VALUES ('', 'Nowhere')")
    accepted("INSERT INTO country (cow_code, cow_abbrev, name) VALUES (315, 'CZE', 'Czechoslovakia')")


def test_iso3_is_three_capital_letters(db):
    refused("INSERT INTO country (iso3, cow_abbrev, name) VALUES ('jpn', '', 'x')")
    refused("INSERT INTO country (iso3, cow_abbrev, name) VALUES ('JP', '', 'x')")


def test_one_party_row_per_agreement_and_party(agreement, japan, nato):
    refused(
        "INSERT INTO agreement_party (agreement_id, country_id, role) VALUES (%s, %s, 'party')",
        [agreement.pk, japan.pk],
    )
    AgreementParty.objects.create(agreement=agreement, organization=nato)
    refused(
        "INSERT INTO agreement_party (agreement_id, organization_id, role) VALUES (%s, %s, 'party')",
        [agreement.pk, nato.pk],
    )


def test_one_participant_row_per_exercise_and_party(exercise, japan):
    refused(
        "INSERT INTO exercise_participant (exercise_id, country_id, role, forces, note) VALUES (%s, %s, 'participant', '', '')",
        [exercise.pk, japan.pk],
    )


def test_review_status_is_controlled(agreement, exercise):
    refused_update(Agreement.objects.filter(pk=agreement.pk), review_status="approved")
    refused_update(Exercise.objects.filter(pk=exercise.pk), review_status="approved")


def test_agreement_cannot_supersede_itself(agreement):
    refused_update(Agreement.objects.filter(pk=agreement.pk), supersedes=agreement.pk)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a}, note = {injected}}\n@misc{evil,",
        "https://example.org/{x",
        "https://example.org/a\\b",
    ],
)
def test_source_url_with_a_brace_or_backslash_is_refused_in_raw_sql(source, url):
    # Such a URL closed its BibTeX field and opened new entries in the export (issue 16, point 10).
    refused(
        "INSERT INTO source (slug, title, publisher, authors, kind, url, archive_url, language, relays_description, notes)"
        " VALUES ('braced', 'x', '', '', 'news', %s, '', 'en', '', '')",
        [url],
    )
    refused_update(Source.objects.filter(pk=source.pk), url=url)


def test_source_url_characters_rule_leaves_other_urls_alone(source):
    # Percent-encoded braces, LIKE's own wildcards and no URL at all pass.
    for slug, url in (("encoded", "https://example.org/a%7Bb%7D%5C"), ("wild", "https://example.org/_%_")):
        accepted(
            "INSERT INTO source (slug, title, publisher, authors, kind, url, archive_url, language, relays_description, notes)"
            " VALUES (%s, 'x', '', '', 'news', %s, '', 'en', '', '')",
            [slug, url],
        )
    accepted(
        "INSERT INTO source (slug, title, publisher, authors, kind, archive_url, language, relays_description, notes)"
        " VALUES ('no-url', 'x', '', '', 'news', '', 'en', '', '')"
    )


def test_exercise_cannot_be_part_of_itself(exercise):
    refused_update(Exercise.objects.filter(pk=exercise.pk), part_of=exercise.pk)


def test_new_event_kinds_are_accepted_and_unknown_ones_refused(agreement):
    for kind in (
        "substantive_agreement",
        "initialing",
        "exchange_of_notes",
        "notice_suspended",
        "notice_withdrawn",
    ):
        agreement.events.create(kind=kind)
    refused_update(agreement.events.filter(kind="initialing"), kind="signing_postponed")


# --- nothing deleted silently --------------------------------------------------------------


def test_deleting_a_country_with_facts_is_protected(agreement, japan):
    with pytest.raises(ProtectedError):
        japan.delete()


def test_deleting_a_cited_source_is_protected(citation):
    with pytest.raises(ProtectedError):
        citation.source.delete()


def test_deleting_an_agreement_with_citations_is_protected(citation):
    with pytest.raises(ProtectedError):
        citation.agreement.delete()


def test_deleting_an_agreement_superseded_by_another_is_protected(agreement):
    Agreement.objects.create(
        slug="newer", title="x", short_title="x", type=agreement.type, supersedes=agreement
    )
    with pytest.raises(ProtectedError):
        agreement.delete()


def test_raw_delete_of_a_referenced_country_breaks_a_foreign_key(agreement, japan):
    # Foreign keys are deferred to commit on both engines; check_constraints runs the check now.
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM country WHERE id = %s", [japan.pk])
        connection.check_constraints(table_names=["agreement_party"])
    assert Country.objects.filter(pk=japan.pk).exists()
