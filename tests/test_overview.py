"""The data overview page (admin/overview/) and its pictures (acsa_db/overview.py)."""

import datetime
import struct
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache

from acsa_db import overview
from acsa_db.models import Agreement, AgreementEvent, AgreementParty, Exercise, ExerciseParticipant
from tests.test_csp import blocked_in

PAGE = "/admin/overview/"
SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def recorded(agreement, exercise, nato, japan):
    """Japan–Germany ACSA (signed 29 January 2024, in force July 2024), Japan–NATO (signed 2010, year
    only), an exercise with Germany in September 2022 and one with NATO in 2023."""
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=AgreementEvent.Kind.ENTRY_INTO_FORCE,
        date=datetime.date(2024, 7, 1),
        date_precision="month",
    )
    with_nato = Agreement.objects.create(
        slug="test-jpn-nato-2010", title="Test agreement with NATO", type=agreement.type
    )
    AgreementParty.objects.create(agreement=with_nato, country=japan)
    AgreementParty.objects.create(agreement=with_nato, organization=nato)
    AgreementEvent.objects.create(
        agreement=with_nato,
        kind=AgreementEvent.Kind.SIGNATURE,
        date=datetime.date(2010, 1, 1),
        date_precision="year",
    )
    nato_exercise = Exercise.objects.create(
        slug="test-nato-exercise-2023",
        name="Test exercise with NATO",
        start_date=datetime.date(2023, 5, 1),
        start_date_precision="month",
    )
    ExerciseParticipant.objects.create(exercise=nato_exercise, country=japan)
    ExerciseParticipant.objects.create(exercise=nato_exercise, organization=nato)
    return agreement


def svg_root(content):
    root = ET.fromstring(content)
    assert root.tag == SVG
    return root


def svg_text(content):
    return " ".join(element.text or "" for element in svg_root(content).iter())


def png_size(content):
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


# --- who may see it ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}timeline.svg", f"{PAGE}network.png"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_users_without_staff_rights_are_sent_to_sign_in(client, make_user):
    client.force_login(make_user("outsider", staff=False))
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}timeline.svg", f"{PAGE}exercises.png"])
def test_staff_without_the_view_permission_are_refused(client, make_user, path):
    client.force_login(make_user("staff-only"))
    assert client.get(path).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["viewer", "curator", "reviewer"])
def test_each_role_sees_the_page_with_its_three_pictures(client, make_user, recorded, role):
    client.force_login(make_user(role, role))
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for chart in overview.CHARTS:
        assert f'src="{PAGE}{chart}.svg' in html
        assert f'href="{PAGE}{chart}.png?download=1"' in html


@pytest.mark.django_db
def test_the_admin_index_links_to_the_page(client, viewer):
    client.force_login(viewer)
    assert f'href="{PAGE}"' in client.get("/admin/").content.decode()


# --- the pictures -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("chart", "names"),
    [
        ("timeline", ["Germany · ACSA", "NATO · ACSA"]),
        ("network", ["Japan", "Germany", "NATO", "ACSA", "joint exercise"]),
        ("exercises", ["Germany", "NATO", "2022", "2023"]),
    ],
)
def test_each_picture_is_a_valid_svg_and_png_naming_the_partners(client, viewer, recorded, chart, names):
    client.force_login(viewer)
    svg = client.get(f"{PAGE}{chart}.svg")
    assert svg.status_code == 200
    assert svg.headers["Content-Type"] == "image/svg+xml"
    text = svg_text(svg.content)
    for name in names:
        assert name in text, name
    png = client.get(f"{PAGE}{chart}.png")
    assert png.status_code == 200
    assert png.headers["Content-Type"] == "image/png"
    width, height = png_size(png.content)
    assert width > 300 and height > 100


@pytest.mark.django_db
def test_an_empty_database_draws_a_picture_that_says_so(client, viewer):
    client.force_login(viewer)
    for chart in overview.CHARTS:
        response = client.get(f"{PAGE}{chart}.svg")
        assert response.status_code == 200
        assert "Nothing recorded yet" in svg_text(response.content)


@pytest.mark.django_db
def test_a_partial_date_is_drawn_as_its_period(recorded):
    marks = overview.timeline_rows(today=datetime.date(2026, 1, 1))
    dates = {(m["agreement"], m["step"]): (m["start"], m["end"], m["precision"]) for m in marks if m["step"]}
    # Day precision: the day; month precision: the whole month; year precision: the whole year
    # (the end is exclusive, the day after the last).
    assert dates[("acsa-jpn-deu-2024", "signature")] == ("2024-01-29", "2024-01-30", "day")
    assert dates[("acsa-jpn-deu-2024", "entry into force")] == ("2024-07-01", "2024-08-01", "month")
    assert dates[("test-jpn-nato-2010", "signature")] == ("2010-01-01", "2011-01-01", "year")
    phases = {(m["agreement"], m["kind"]): (m["start"], m["end"]) for m in marks if not m["step"]}
    assert phases[("acsa-jpn-deu-2024", overview.PHASE_SIGNED)] == ("2024-01-29", "2024-07-01")
    assert phases[("acsa-jpn-deu-2024", overview.PHASE_IN_FORCE)] == ("2024-07-01", "2026-01-01")
    assert ("test-jpn-nato-2010", overview.PHASE_IN_FORCE) not in phases


@pytest.mark.django_db
def test_the_network_counts_what_happened_in_the_year(recorded):
    # The agreement with NATO, signed in 2010 and never ended, links them every year since.
    assert overview.network_edges(2022) == {
        ("Germany", "Japan", overview.EXERCISE): 1,
        ("Japan", "NATO", "ACSA"): 1,
    }
    assert overview.network_edges(2023) == {
        ("Japan", "NATO", overview.EXERCISE): 1,
        ("Japan", "NATO", "ACSA"): 1,
    }
    assert overview.network_edges(2024)[("Germany", "Japan", "ACSA")] == 1
    assert overview.network_edges(2009) == {}
    everything = overview.network_edges()
    assert everything[("Germany", "Japan", "ACSA")] == 1
    assert everything[("Germany", "Japan", overview.EXERCISE)] == 1


@pytest.mark.django_db
def test_the_year_filter_reaches_the_network_picture(client, viewer, recorded):
    client.force_login(viewer)
    page = client.get(PAGE, {"year": "2022"}).content.decode()
    assert f'src="{PAGE}network.svg?year=2022"' in page
    assert '<option value="2022" selected>' in page
    text = svg_text(client.get(f"{PAGE}network.svg", {"year": "2022"}).content)
    assert "Germany" in text and "joint exercise" in text
    text = svg_text(client.get(f"{PAGE}network.svg", {"year": "2010"}).content)
    assert "NATO" in text and "Germany" not in text


@pytest.mark.django_db
def test_exercises_per_year_count_each_exercise_once_per_partner(recorded):
    assert overview.exercise_counts() == [
        {"year": 2022, "partner": "Germany", "exercises": 1},
        {"year": 2023, "partner": "NATO", "exercises": 1},
    ]


@pytest.mark.django_db
def test_a_national_deployment_is_not_counted_twice(recorded, exercise, germany, japan):
    deployment = Exercise.objects.create(
        slug="test-deployment-2022",
        name="Japan's deployment to the test exercise",
        start_date=datetime.date(2022, 9, 28),
        start_date_precision="day",
        part_of=exercise,
    )
    ExerciseParticipant.objects.create(exercise=deployment, country=japan)
    ExerciseParticipant.objects.create(exercise=deployment, country=germany)
    assert {"year": 2022, "partner": "Germany", "exercises": 1} in overview.exercise_counts()


@pytest.mark.django_db
def test_an_edit_shows_in_the_next_picture(client, viewer, recorded, exercise):
    client.force_login(viewer)
    assert "France" not in svg_text(client.get(f"{PAGE}exercises.svg").content)
    from acsa_db.models import Country

    france = Country.objects.create(iso3="FRA", iso2="FR", cow_code=220, cow_abbrev="FRN", name="France")
    ExerciseParticipant.objects.create(exercise=exercise, country=france)
    assert "France" in svg_text(client.get(f"{PAGE}exercises.svg").content)


@pytest.mark.django_db
def test_download_is_an_attachment_named_for_the_picture(client, viewer, recorded):
    client.force_login(viewer)
    response = client.get(f"{PAGE}network.png", {"year": "2024", "download": "1"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="acsa-db-network-2024.png"'
    response = client.get(f"{PAGE}timeline.svg", {"download": "1"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="acsa-db-timeline.svg"'
    assert "Content-Disposition" not in client.get(f"{PAGE}timeline.svg").headers


# --- the CSP and hostile requests -------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_and_pictures_hold_the_csp(client, viewer, recorded):
    client.force_login(viewer)
    page = client.get(PAGE)
    assert page.headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert blocked_in(page.content.decode()) == []
    for chart in overview.CHARTS:
        svg = client.get(f"{PAGE}{chart}.svg")
        assert svg.headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
        root = svg_root(svg.content)
        tags = {element.tag.split("}")[-1] for element in root.iter()}
        assert not tags & {"script", "foreignObject", "style"}
        # Nothing the picture would fetch: no link but the SVG namespaces.
        hrefs = [v for e in root.iter() for k, v in e.attrib.items() if k.endswith("href")]
        assert hrefs == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["map.svg", "timeline.pdf", "timeline.svg.png", "timeline", "../timeline.svg"]
)
def test_an_unknown_picture_is_not_found(client, viewer, path):
    client.force_login(viewer)
    assert client.get(PAGE + path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "year",
    [
        "abc",
        "2024'--",
        "99999999999999999999999",
        "-1",
        "1800",
        "3000",
        "２０２４",
        "2024.0",
        " 2024",
        "2024\x00",
    ],
)
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}network.svg"])
def test_a_hostile_year_is_refused_cleanly(client, viewer, recorded, path, year):
    client.force_login(viewer)
    response = client.get(path, {"year": year})
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_a_long_timeline_keeps_the_rows_of_the_busiest_partners_and_says_so(
    client, viewer, recorded, monkeypatch
):
    monkeypatch.setattr(overview, "TIMELINE_ROWS", 1)
    client.force_login(viewer)
    text = svg_text(client.get(f"{PAGE}timeline.svg").content)
    # One agreement each: the tie goes to the first by name.
    assert "1 of 2 rows: the 1 partners with the most agreements" in text
    assert "Germany · ACSA" in text and "NATO · ACSA" not in text


@pytest.mark.django_db
def test_a_large_network_keeps_the_busiest_partners_and_strongest_links_and_says_so(
    client, viewer, recorded, monkeypatch
):
    monkeypatch.setattr(overview, "NETWORK_PARTNERS", 1)
    client.force_login(viewer)
    text = svg_text(client.get(f"{PAGE}network.svg").content)
    # Germany and NATO each have two links (agreement, exercise) with Japan: the tie goes by name.
    assert "the 1 partners with the most links to Japan, of 2" in text
    assert "Germany" in text and "NATO" not in text
    monkeypatch.setattr(overview, "NETWORK_PARTNERS", 40)
    monkeypatch.setattr(overview, "NETWORK_LINKS", 3)
    cache.clear()
    text = svg_text(client.get(f"{PAGE}network.svg").content)
    assert "the 3 strongest links, of 4" in text


@pytest.mark.django_db
def test_exercises_of_many_partners_sum_the_least_busy(client, viewer, recorded, monkeypatch):
    monkeypatch.setattr(overview, "EXERCISE_PARTNERS", 1)
    client.force_login(viewer)
    text = svg_text(client.get(f"{PAGE}exercises.svg").content)
    assert '2 partners with fewer exercises as "other partners"' in text
    assert "Germany" not in text and "NATO" not in text
