"""No lost updates: the second of two concurrent saves of a record is refused, never silently applied."""

import datetime
import html

import pytest
from django.urls import reverse

from acsa_db.models import Agreement, EditConflict, Exercise, Source


def test_the_database_refuses_a_save_based_on_an_older_version(agreement):
    read_at = agreement.version
    first = Agreement.objects.get(pk=agreement.pk)
    second = Agreement.objects.get(pk=agreement.pk)
    first.title = "First curator's title"
    first.save()
    second.title = "Second curator's title"
    with pytest.raises(EditConflict):
        second.save()
    agreement.refresh_from_db()
    assert agreement.title == "First curator's title"
    assert agreement.version == read_at + 1
    # A copy read after the first save saves normally.
    third = Agreement.objects.get(pk=agreement.pk)
    third.summary = "Supplies and services."
    third.save()
    assert Agreement.objects.get(pk=agreement.pk).version == read_at + 2


def test_a_refused_save_writes_no_history(source):
    stale = Source.objects.get(pk=source.pk)
    Source.objects.get(pk=source.pk).save()
    rows = source.history.count()
    stale.title = "Stale"
    with pytest.raises(EditConflict):
        stale.save()
    assert source.history.count() == rows


def agreement_data(agreement, version, **changes):
    data = {
        "short_title": agreement.short_title,
        "title": agreement.title,
        "slug": agreement.slug,
        "type": agreement.type_id,
        "summary": agreement.summary,
        "text_url": "",
        "notes": "",
        "based_on_version": version,
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_second_change_form_save_is_refused_with_a_link_to_the_current_version(client, agreement, make_user):
    alice = make_user("alice", "curator")
    bob = make_user("bob", "curator")
    url = reverse("admin:acsa_db_agreement_change", args=[agreement.pk])
    # Both open the page at the same version.
    opened = agreement.version
    client.force_login(alice)
    assert client.get(url).context["adminform"].form["based_on_version"].value() == opened
    response = client.post(url, agreement_data(agreement, opened, title="Alice's title"))
    assert response.status_code == 302

    client.force_login(bob)
    response = client.post(url, agreement_data(agreement, opened, title="Bob's title"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Not saved: this agreement was changed by alice" in page
    assert f'<a href="{url}" target="_blank" rel="noopener">Open the current version</a>' in page
    assert reverse("admin:acsa_db_agreement_history", args=[agreement.pk]) in page
    # Bob's input is still in the form, for him to copy.
    assert "Bob&#x27;s title" in response.content.decode() or "Bob's title" in page
    agreement.refresh_from_db()
    assert agreement.title == "Alice's title"


def test_second_save_refused_even_when_it_changes_nothing_the_first_did(client, agreement, make_user):
    client.force_login(make_user("alice", "curator"))
    url = reverse("admin:acsa_db_agreement_change", args=[agreement.pk])
    opened = agreement.version
    client.post(url, agreement_data(agreement, opened, summary="Alice's summary"))
    response = client.post(url, agreement_data(agreement, opened, notes="An unrelated note"))
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert (agreement.summary, agreement.notes) == ("Alice's summary", "")


def test_a_save_racing_past_the_form_check_is_refused_by_the_database(
    client, agreement, curator, monkeypatch
):
    """The form's check passed, then another save landed before this one wrote: nothing is written."""
    from acsa_db.admin import forms

    client.force_login(curator)
    url = reverse("admin:acsa_db_agreement_change", args=[agreement.pk])
    original_clean = forms.VersionedModelForm.clean

    def clean_then_someone_saves(form):
        cleaned = original_clean(form)
        other = Agreement.objects.get(pk=agreement.pk)
        other.summary = "Saved in between"
        other.save()
        return cleaned

    monkeypatch.setattr(forms.VersionedModelForm, "clean", clean_then_someone_saves)
    response = client.post(
        url, agreement_data(agreement, agreement.version, title="Racing title"), follow=True
    )
    assert "Not saved" in html.unescape(response.content.decode())
    agreement.refresh_from_db()
    assert (agreement.title, agreement.summary) == (
        "Agreement between Japan and Germany on reciprocal supplies",
        "",
    )


def test_source_change_form_is_protected_too(client, source, make_user):
    url = reverse("admin:acsa_db_source_change", args=[source.pk])
    data = {
        "title": source.title,
        "slug": source.slug,
        "publisher": source.publisher,
        "authors": "",
        "kind": source.kind,
        "language": "en",
        "url": source.url,
        "archive_url": "",
        "published": "2024-01-29",
        "accessed_on": "",
        "relays_description": "",
        "notes": "",
        "based_on_version": 1,
    }
    client.force_login(make_user("alice", "curator"))
    assert client.post(url, {**data, "notes": "Alice"}).status_code == 302
    client.force_login(make_user("bob", "curator"))
    response = client.post(url, {**data, "notes": "Bob"})
    assert response.status_code == 200
    assert "Not saved: this source was changed by alice" in html.unescape(response.content.decode())
    source.refresh_from_db()
    assert source.notes == "Alice"


@pytest.fixture
def two_exercises(db):
    return [
        Exercise.objects.create(
            slug=f"drill-{i}",
            name=f"Drill {i}",
            start_date=datetime.date(2024, 1, 1),
            start_date_precision="year",
        )
        for i in (1, 2)
    ]


def changelist_data(exercises, versions, statuses):
    data = {
        "form-TOTAL_FORMS": str(len(exercises)),
        "form-INITIAL_FORMS": str(len(exercises)),
        "_save": "Save",
    }
    for i, (exercise, version, status) in enumerate(zip(exercises, versions, statuses, strict=True)):
        data[f"form-{i}-id"] = exercise.pk
        data[f"form-{i}-based_on_version"] = version
        data[f"form-{i}-status"] = status
    return data


def test_list_editable_rows_are_protected(client, two_exercises, make_user):
    url = reverse("admin:acsa_db_exercise_changelist")
    first, second = two_exercises
    client.force_login(make_user("alice", "curator"))
    page = client.get(url).content.decode()
    # Each row's form carries the version it was read at.
    assert 'name="form-0-based_on_version" value="1"' in page
    assert client.post(url, changelist_data(two_exercises, [1, 1], ["cancelled", "held"])).status_code == 302
    assert Exercise.objects.get(pk=first.pk).status == "cancelled"

    # Bob's page was read before Alice's save: his change to the first row is refused...
    client.force_login(make_user("bob", "curator"))
    response = client.post(url, changelist_data(two_exercises, [1, 1], ["announced", "held"]))
    assert response.status_code == 200
    assert "Not saved: this exercise was changed by alice" in html.unescape(response.content.decode())
    assert Exercise.objects.get(pk=first.pk).status == "cancelled"

    # ...and so is a stale row that would put the old value back. A stale row that
    # matches the current one is not a change: it is neither saved nor refused,
    # and the row nobody else touched saves.
    response = client.post(url, changelist_data(two_exercises, [1, 1], ["held", "announced"]))
    assert response.status_code == 200
    response = client.post(url, changelist_data(two_exercises, [1, 1], ["cancelled", "announced"]))
    assert response.status_code == 302
    assert Exercise.objects.get(pk=first.pk).status == "cancelled"
    assert Exercise.objects.get(pk=second.pk).status == "announced"


def test_revert_from_history_is_a_normal_versioned_save(client, agreement, curator):
    client.force_login(curator)
    agreement.title = "Renamed"
    agreement.save()
    opened = agreement.version
    oldest = agreement.history.earliest()
    url = reverse("admin:acsa_db_agreement_simple_history", args=[agreement.pk, oldest.history_id])
    page = client.get(url)
    assert page.context["adminform"].form["based_on_version"].value() == opened
    # Someone saves between opening the revert page and confirming it.
    other = Agreement.objects.get(pk=agreement.pk)
    other.summary = "Meanwhile"
    other.save()
    data = agreement_data(agreement, opened, title=oldest.title)
    response = client.post(url, data)
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.title == "Renamed"
