"""History: every change to a curated table is a row of its <table>_history table, with who and when."""

import html

import pytest
from django.db import connection
from django.urls import reverse

from acsa_db.history import bulk_create_recorded, bulk_update_recorded, changes_by
from acsa_db.models import Agreement, AgreementEvent, AgreementParty, Citation, Source

HISTORY_TABLES = [
    "agreement_history",
    "agreement_event_history",
    "agreement_party_history",
    "agreement_type_history",
    "citation_history",
    "country_history",
    "domain_history",
    "exercise_history",
    "exercise_participant_history",
    "organization_history",
    "source_history",
]


def test_every_curated_table_has_a_history_table(db):
    tables = set(connection.introspection.table_names())
    assert set(HISTORY_TABLES) <= tables
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "agreement_history")
        }
    assert {
        "history_id",
        "history_date",
        "history_type",
        "history_user_id",
        "history_change_reason",
    } <= columns
    assert {"id", "slug", "title", "review_status"} <= columns
    assert "version" not in columns  # bookkeeping, not a fact


def agreement_form(agreement, **changes):
    data = {
        "short_title": agreement.short_title,
        "title": agreement.title,
        "slug": agreement.slug,
        "type": agreement.type_id,
        "summary": "",
        "text_url": "",
        "notes": "",
        "based_on_version": agreement.version,
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_an_admin_edit_is_a_history_row_with_its_user(client, agreement, source, curator):
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[agreement.pk])
    data = agreement_form(
        agreement,
        title="Corrected title",
        **{
            "citations-TOTAL_FORMS": "1",
            "citations-0-source": source.pk,
            "citations-0-claim": "existence",
            "citations-0-stance": "supports",
        },
    )
    assert client.post(url, data).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, history_type, history_user_id FROM agreement_history "
            "WHERE id = %s ORDER BY history_id DESC",
            [agreement.pk],
        )
        latest = cursor.fetchone()
        # The inline citation was written in the same request: its row names the user too.
        cursor.execute(
            "SELECT history_type, history_user_id FROM citation_history WHERE agreement_id = %s",
            [agreement.pk],
        )
        citation_rows = cursor.fetchall()
    assert latest == ("Corrected title", "~", curator.pk)
    assert citation_rows == [("+", curator.pk)]


def test_deleting_writes_a_row_too(client, agreement, curator):
    client.force_login(curator)
    party = agreement.parties.first()
    response = client.post(reverse("admin:acsa_db_agreementparty_delete", args=[party.pk]), {"post": "yes"})
    assert response.status_code == 302
    row = AgreementParty.history.filter(id=party.pk).latest()
    assert (row.history_type, row.history_user) == ("-", curator)


def test_history_page_shows_what_changed(client, agreement, curator, viewer):
    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[agreement.pk])
    client.post(url, agreement_form(agreement, title="Corrected title"))
    client.force_login(viewer)
    page = html.unescape(
        client.get(reverse("admin:acsa_db_agreement_history", args=[agreement.pk])).content.decode()
    )
    assert "Title:" in page
    assert "Agreement between Japan and Germany on reciprocal supplies" in page and "Corrected title" in page
    assert ">curator</a>" in page


def test_revert_restores_an_old_version_but_not_its_review_status(client, agreement, curator, viewer):
    first = agreement.history.earliest()
    agreement.title = "Renamed"
    agreement.save()
    revert_url = reverse("admin:acsa_db_agreement_simple_history", args=[agreement.pk, first.history_id])
    data = agreement_form(Agreement.objects.get(pk=agreement.pk), title=first.title)

    client.force_login(viewer)
    assert client.get(revert_url).status_code == 200  # viewers may look at old versions
    assert client.post(revert_url, data).status_code == 403  # but not revert to them
    assert Agreement.objects.get(pk=agreement.pk).title == "Renamed"

    client.force_login(curator)
    assert client.post(revert_url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == first.title
    assert agreement.history.latest().history_user == curator


def test_changes_outside_a_request_name_the_user_given(agreement, curator):
    with changes_by(curator):
        agreement.summary = "Written by a script"
        agreement.save()
        AgreementEvent.objects.create(agreement=agreement, kind="entry_into_force")
    assert agreement.history.latest().history_user == curator
    assert AgreementEvent.history.filter(kind="entry_into_force").get().history_user == curator
    agreement.summary = "Anonymous"
    agreement.save()
    assert agreement.history.latest().history_user is None


def test_bulk_writes_are_recorded_with_the_user(agreement, source, curator):
    citations = bulk_create_recorded(
        [Citation(source=source, agreement=agreement, claim=claim) for claim in ("existence", "title")],
        Citation,
        curator,
        reason="import of citations.csv",
    )
    rows = Citation.history.filter(agreement_id=agreement.pk)
    assert rows.count() == 2
    assert {(r.history_type, r.history_user_id, r.history_change_reason) for r in rows} == {
        ("+", curator.pk, "import of citations.csv")
    }
    for citation in citations:
        citation.locator = "p. 1"
    bulk_update_recorded(citations, Citation, ["locator"], curator)
    assert Citation.history.filter(agreement_id=agreement.pk, history_type="~", locator="p. 1").count() == 2


@pytest.mark.parametrize("model", [Agreement, AgreementEvent, AgreementParty, Source, Citation])
def test_history_page_answers_for_each_curated_table(client, citation, model, viewer):
    obj = model.objects.first()
    client.force_login(viewer)
    name = model._meta.model_name
    assert client.get(reverse(f"admin:acsa_db_{name}_history", args=[obj.pk])).status_code == 200
