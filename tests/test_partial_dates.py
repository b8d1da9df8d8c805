"""Partial dates parse, store and display at their precision; bad ones are refused clearly."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from acsa_db.admin.forms import AgreementEventForm, ExerciseForm
from acsa_db.models import AgreementEvent
from acsa_db.partial_dates import PartialDate, PartialDateFormField, format_partial_date


@pytest.mark.parametrize(
    "text, date, precision",
    [
        ("2024-01-29", datetime.date(2024, 1, 29), "day"),
        ("2023-09", datetime.date(2023, 9, 1), "month"),
        ("2024", datetime.date(2024, 1, 1), "year"),
        (" 2024-02-29 ", datetime.date(2024, 2, 29), "day"),
    ],
)
def test_parse_and_display_round_trip(text, date, precision):
    value = PartialDate.parse(text)
    assert (value.date, value.precision) == (date, precision)
    assert str(value) == text.strip()
    assert str(PartialDate.from_columns(date, precision)) == text.strip()


@pytest.mark.parametrize(
    "text, message",
    [
        ("2023-13", '"2023-13" is not a date: no such month'),
        ("24-01-2024", '"24-01-2024" is not a date'),
        ("", '"" is not a date'),
        ("2023-02-30", '"2023-02-30" is not a date: no such day'),
        ("29/01/2024", '"29/01/2024" is not a date'),
        ("2024-1-5", '"2024-1-5" is not a date'),
        ("1200", "before 1800"),
        ("२०२४", '"२०२४" is not a date'),  # digits, but not ASCII ones
        ("２０２４-０１", '"２０２４-０１" is not a date'),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError) as error:
        PartialDate.parse(text)
    assert message in str(error.value)
    if text and "1800" not in message:
        assert "2024-01-29" in str(error.value)  # the message shows what to write


def test_last_day_of_each_precision():
    assert PartialDate.parse("2024-02").last_day == datetime.date(2024, 2, 29)
    assert PartialDate.parse("2023").last_day == datetime.date(2023, 12, 31)
    assert PartialDate.parse("2023-05-04").last_day == datetime.date(2023, 5, 4)


def test_inconsistent_values_cannot_be_built():
    with pytest.raises(ValueError):
        PartialDate(datetime.date(2024, 1, 15), "month")
    with pytest.raises(ValueError):
        PartialDate(datetime.date(2024, 3, 1), "year")


def test_format_columns_shows_empty_for_unknown():
    assert format_partial_date(None, None, empty="–") == "–"
    assert format_partial_date(datetime.date(2023, 9, 1), "month") == "2023-09"


def test_form_field_names_the_problem():
    field = PartialDateFormField(required=True)
    with pytest.raises(ValidationError) as error:
        field.clean("2023-13")
    assert "2023-13" in error.value.messages[0]
    assert field.clean("2023-09") == PartialDate.parse("2023-09")


def test_event_form_stores_month_precision(agreement):
    form = AgreementEventForm(
        data={
            "agreement": agreement.pk,
            "kind": "negotiation_launch",
            "date": "2023-09",
            "place": "",
            "note": "",
        }
    )
    assert form.is_valid(), form.errors
    event = form.save()
    event.refresh_from_db()
    assert (event.date, event.date_precision) == (datetime.date(2023, 9, 1), "month")
    assert str(event.partial_date) == "2023-09"


def test_event_form_shows_stored_date_at_its_precision(agreement):
    event = AgreementEvent.objects.create(
        agreement=agreement, kind="entry_into_force", date=datetime.date(2017, 1, 1), date_precision="year"
    )
    form = AgreementEventForm(instance=event)
    assert form.initial["date"] == "2017"
    assert 'value="2017"' in str(form["date"])


def test_event_form_refuses_bad_date_naming_the_field(agreement):
    form = AgreementEventForm(
        data={"agreement": agreement.pk, "kind": "signature", "date": "24-01-2024", "place": "", "note": ""}
    )
    assert not form.is_valid()
    assert '"24-01-2024" is not a date' in form.errors["date"][0]


def test_exercise_form_refuses_end_before_start(db):
    form = ExerciseForm(
        data={
            "name": "x",
            "slug": "x",
            "kind": "exercise",
            "status": "held",
            "review_status": "draft",
            "start_date": "2024-07-12",
            "end_date": "2024-06",
        }
    )
    assert not form.is_valid()
    assert "cannot be before" in str(form.errors)


def test_exercise_form_accepts_end_month_of_start(db):
    form = ExerciseForm(
        data={
            "name": "x",
            "slug": "x",
            "kind": "exercise",
            "status": "held",
            "review_status": "draft",
            "start_date": "2024-07-12",
            "end_date": "2024-07",
        }
    )
    assert form.is_valid(), form.errors
    exercise = form.save()
    exercise.refresh_from_db()
    assert (exercise.end_date, exercise.end_date_precision) == (datetime.date(2024, 7, 1), "month")
