"""Properties with an oracle: what must hold for every input, not only for the examples we thought of.

- a partial date prints as it was written, and parses back to itself;
- the Python check that an end falls before its start (which names the row
  and field in an import) agrees with the database's CHECK constraint;
- normalising a source's URL never fails, its normal form is a fixed point, and
  what does not change the document (scheme, "www.", case, default port,
  trailing slash, parameter order, tracking parameters, fragment) does not
  change it.
"""

import datetime

from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from acsa_db.imports import end_before_start
from acsa_db.models import Exercise
from acsa_db.partial_dates import PartialDate, Precision
from acsa_db.source_links import normalise_url

from . import hypothesis_profiles  # noqa: F401  (loads the CI or long profile)

# --- partial dates ----------------------------------------------------------------------


@st.composite
def partial_dates(draw, min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 12, 31)):
    """A valid partial date: any day, then cut to its precision (the 1st of the month, 1 January)."""
    day = draw(st.dates(min_value=min_value, max_value=max_value))
    precision = draw(st.sampled_from(Precision.values))
    if precision == Precision.MONTH:
        day = day.replace(day=1)
    elif precision == Precision.YEAR:
        day = day.replace(month=1, day=1)
    return PartialDate(day, precision)


@given(partial_dates())
def test_a_partial_date_prints_and_parses_back_to_itself(value):
    text = str(value)
    assert PartialDate.parse(text) == value
    assert len(text) == {"day": 10, "month": 7, "year": 4}[value.precision]


@given(st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"))
def test_text_that_parses_prints_back_as_written(text):
    try:
        value = PartialDate.parse(text)
    except ValueError:
        return  # "2024-13", "1799": refused, which test_partial_dates.py checks message by message
    assert str(value) == text


# --- end before start: Python and SQL agree ----------------------------------------------


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(start=partial_dates(), end=partial_dates())
@example(  # an end known to the month is not before a start later in that month
    start=PartialDate(datetime.date(2024, 7, 12), "day"), end=PartialDate(datetime.date(2024, 7, 1), "month")
)
@example(  # ... but a start known to the month is compared from its first day
    start=PartialDate(datetime.date(2024, 7, 1), "month"), end=PartialDate(datetime.date(2024, 6, 30), "day")
)
@example(
    start=PartialDate(datetime.date(2024, 12, 31), "day"), end=PartialDate(datetime.date(2024, 1, 1), "year")
)
def test_the_python_end_before_start_check_agrees_with_the_check_constraint(db, start, end):
    refused_by_python = end_before_start(start.date, end.date, end.precision)
    try:
        with transaction.atomic():  # a savepoint: the database's verdict, then nothing kept
            Exercise.objects.create(
                slug="property-exercise",
                name="Property exercise",
                start_date=start.date,
                start_date_precision=start.precision,
                end_date=end.date,
                end_date_precision=end.precision,
            )
            transaction.set_rollback(True)
    except IntegrityError as error:
        assert "end_date" in str(error) or "CHECK" in str(error).upper(), error
        refused_by_database = True
    else:
        refused_by_database = False
    assert refused_by_python == refused_by_database, (str(start), str(end))


# --- URL normal form ------------------------------------------------------------------------

host_labels = st.from_regex(r"\A[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?\Z")
hosts = st.one_of(
    st.lists(host_labels, min_size=1, max_size=4).map(".".join),
    st.builds(lambda host: f"www.{host}", st.lists(host_labels, min_size=2, max_size=3).map(".".join)),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda address: f"[{address}]"),
)
ports = st.one_of(st.just(""), st.integers(0, 99_999).map(lambda port: f":{port}"))
url_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="#?"), max_size=20)
paths = st.lists(url_text.map(lambda part: part.replace("/", "")), max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)
queries = st.lists(
    st.tuples(st.one_of(st.sampled_from(["utm_source", "fbclid", "id", "a", "A"]), url_text), url_text),
    max_size=4,
).map(lambda pairs: "&".join(f"{key}={value}" for key, value in pairs))
urls = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}{path}"
        + (f"?{query}" if query else "")
        + (f"#{fragment}" if fragment else "")
    ),
    st.sampled_from(["http", "https", "HTTPS"]),
    hosts,
    ports,
    paths,
    queries,
    url_text,
)


@given(st.one_of(urls, st.text(max_size=60)))
@example("https://example.org:99999/release")  # a port out of range: the admin answered 500
@example("https://[::1]:8080/a")
@example("http://[::1/a")  # an unclosed IPv6 bracket
def test_normalising_a_url_never_fails(url):
    assert isinstance(normalise_url(url), str)


@given(urls)
@example("https://[2001:db8::1]:8080/a")  # the brackets were lost, and the normal form no longer parsed
@example("https://EXAMPLE.org:443/a/?b=2&a=1#part")
@example("http://0.0.0.0/\x85#0")  # whitespace ending the path: strip() took it only without the fragment
def test_the_normal_form_of_a_url_is_its_own_normal_form(url):
    normal = normalise_url(url)
    # The normal form has no scheme: read back as a URL, it must give itself again.
    assert normalise_url(f"https://{normal}") == normal


# Parameter values a valid URL can hold as typed: no whitespace or control characters (Django's
# URL validator refuses them, and strip() would take them off the end of one address but not
# the other's), and none of the characters that delimit the parameters.
value_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Z", "C"), exclude_characters="#?&="),
    max_size=20,
)


@given(
    scheme=st.sampled_from(["http", "https"]),
    host=hosts,
    path=paths,
    pairs=st.lists(st.tuples(st.sampled_from(["id", "page", "q"]), value_text), max_size=4),
    data=st.data(),
)
def test_what_does_not_change_the_document_does_not_change_the_normal_form(scheme, host, path, pairs, data):
    query = "&".join(f"{key}={value}" for key, value in pairs)
    plain = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
    # The same address: other scheme, "www.", capitals, the default port, a trailing slash,
    # the parameters in another order plus tracking ones, a fragment.
    shuffled = data.draw(st.permutations(pairs))
    tracking = data.draw(st.lists(st.sampled_from(["utm_source=x", "fbclid=1", "gclid=2", "utm_campaign="])))
    other_query = "&".join([f"{key}={value}" for key, value in shuffled] + tracking)
    other_scheme = {"http": "https", "https": "http"}[scheme]
    other_host = host.upper() if host.startswith("[") else f"WWW.{host.removeprefix('www.').upper()}"
    default_port = {"http": ":80", "https": ":443"}[other_scheme]
    noisy = f"{other_scheme}://{other_host}{default_port}{path}/" + (f"?{other_query}" if other_query else "")
    noisy += "#" + data.draw(value_text)
    assert normalise_url(noisy) == normalise_url(plain)
