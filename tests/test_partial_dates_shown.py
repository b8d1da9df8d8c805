"""Issue 18, point 1: a read-only page shows a partial date at its precision ("2024-07"), not as a day."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from acsa_db.models import Exercise


def page_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def readonly_values(page):
    return [
        re.sub(r"\s+", " ", value).strip()
        for value in re.findall(r'<div class="readonly">(.*?)</div>', page, re.S)
    ]


@pytest.fixture
def month_exercise(exercise):
    Exercise.objects.filter(pk=exercise.pk).update(
        start_date=datetime.date(2024, 7, 1),
        start_date_precision="month",
        end_date=datetime.date(2024, 1, 1).replace(year=2025),
        end_date_precision="year",
    )
    return exercise


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_a_read_only_exercise_shows_its_dates_at_their_precision(client, make_user, month_exercise, role):
    page = page_of(
        client, make_user(role, role), reverse("admin:acsa_db_exercise_change", args=[month_exercise.pk])
    )
    assert "July 1, 2024" not in page and "Jan. 1, 2025" not in page
    values = readonly_values(page)
    assert "2024-07" in values and "2025" in values
    assert "Start date precision" not in page and "month" not in values


def test_a_read_only_inline_shows_event_dates_at_their_precision(client, viewer, agreement):
    agreement.events.update(date=datetime.date(2023, 9, 1), date_precision="month")
    page = page_of(client, viewer, reverse("admin:acsa_db_agreement_change", args=[agreement.pk]))
    assert "Sept. 1, 2023" not in page
    assert re.search(r'<td class="field-date_at_precision">\s*<p>2023-09</p>', page)


def test_a_read_only_event_page_and_source_page(client, viewer, agreement, source):
    event = agreement.events.get()
    event.date, event.date_precision = datetime.date(2024, 1, 1), "year"
    event.save()
    page = page_of(client, viewer, reverse("admin:acsa_db_agreementevent_change", args=[event.pk]))
    assert "2024" in readonly_values(page) and "Jan. 1, 2024" not in page
    source.published, source.published_precision = datetime.date(2024, 1, 1), "month"
    source.save()
    page = page_of(client, viewer, reverse("admin:acsa_db_source_change", args=[source.pk]))
    assert "2024-01" in readonly_values(page) and "Jan. 1, 2024" not in page


def test_a_curator_still_edits_the_date_as_text(client, curator, month_exercise):
    page = page_of(client, curator, reverse("admin:acsa_db_exercise_change", args=[month_exercise.pk]))
    assert re.search(r'<input[^>]*name="start_date"[^>]*value="2024-07"', page)
    assert "start_date_at_precision" not in page
