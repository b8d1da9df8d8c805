"""The data overview: three pictures of Japan's cooperation, drawn on the server.

- ``timeline``: each of Japan's agreements by partner and type, from signature
  through entry into force to its end (or the end of the coverage);
- ``network``: Japan's partners (states and organizations such as NATO),
  linked by agreement type and by joint exercises, for all years or one year;
- ``exercises``: exercises per year with Japan, by partner.

They read what researchers query: the agreements' dates from the view
``agreement_status`` (its ``<date>_latest`` bounds give a partial date its
period), the parties from ``agreement_party`` and ``exercise_participant``.
An exercise counts once, as ``exercise_dyad`` counts it: a national deployment
to an exercise (``exercise.part_of``) has no rows of its own.

Charts are built with Altair and rendered by vl-convert (Vega-Lite to SVG or
PNG without a browser and without the network), so that the admin page shows
plain images and needs no script: the Content-Security-Policy stays strict.
Rendered pictures are cached, keyed on a data version, so that an edit shows
at the next request.
"""

import datetime
import hashlib
from collections import defaultdict
from math import cos, pi, sin

import altair as alt
import vl_convert
from django.core.cache import cache
from django.db import connection

JAPAN = "JPN"
CHARTS = ("timeline", "network", "exercises")
FORMATS = ("svg", "png")
CACHE_SECONDS = 600
# A readable timeline has at most this many rows (partner and type); beyond it the rows of the
# partners with the most agreements are drawn, and the title says so.
TIMELINE_ROWS = 60
# A readable network: at most this many partners and links (see _busiest).
NETWORK_PARTNERS = 40
NETWORK_LINKS = 400
EXERCISE = "joint exercise"
# Partners named in the exercises picture; the others are summed as OTHER_PARTNERS.
EXERCISE_PARTNERS = 16
OTHER_PARTNERS = "other partners"
PHASE_SIGNED = "signed, not yet in force"
PHASE_IN_FORCE = "in force"
PHASE_DATE = "a date's period (day, month or year)"


def _day(value):
    """A date from the database: a date on PostgreSQL, ISO text on SQLite."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def coverage_end():
    """ "Today" as the views define it: the end of the coverage, else the calendar's today."""
    [row] = _rows("SELECT MAX(last_covered_date) AS day FROM collection_coverage")
    return _day(row["day"]) or datetime.date.today()


def data_version():
    """Changes whenever a record the pictures draw is added, changed or deleted.

    The latest history date catches what the admin, imports and scripts save or
    delete (simple-history records each); the highest id catches rows inserted
    by SQL. Both are index lookups (counting rows took 0.3 s at 100,000
    agreements, on every request). A row deleted or changed by SQL alone shows
    when the cached picture expires (CACHE_SECONDS).
    """
    tables = ("agreement", "agreement_event", "agreement_party", "exercise", "exercise_participant")
    parts = [f"(SELECT MAX(id) FROM {table})" for table in tables]
    parts += [f"(SELECT MAX(history_date) FROM {table}_history)" for table in tables]
    parts.append("(SELECT MAX(last_covered_date) FROM collection_coverage)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:16]


# --- Data -------------------------------------------------------------------------------------

JAPANS_AGREEMENTS = f"""
    SELECT jp.agreement_id FROM agreement_party jp
    JOIN country jc ON jc.id = jp.country_id
    WHERE jc.iso3 = '{JAPAN}' AND jp.role IN ('party', 'signatory')
"""

JAPANS_EXERCISES = f"""
    SELECT jp.exercise_id FROM exercise_participant jp
    JOIN country jc ON jc.id = jp.country_id
    WHERE jc.iso3 = '{JAPAN}'
"""


def japans_agreement_ids():
    """Agreements Japan is party to or has signed (the roles agreement_dyad counts)."""
    return [row["agreement_id"] for row in _rows(JAPANS_AGREEMENTS + " ORDER BY jp.agreement_id")]


# Ids per query: below SQLite's oldest limit on parameters (999).
ID_CHUNK = 500


def _in_chunks(sql, ids):
    """Run ``sql`` (with ``{ids}`` where a list of parameters goes) over the ids, a chunk at a time.

    agreement_status is asked with a list of ids, not a subquery: PostgreSQL
    pushes ``agreement_id IN (1, 2, ...)`` down to the agreement table's index,
    so the view computes only those agreements' statuses, whereas a semi-join
    with a subquery made it compute all of them (24 s at 100,000 agreements).
    """
    rows = []
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        rows += _rows(sql.format(ids=", ".join(["%s"] * len(chunk))), chunk)
    return rows


def agreement_partners():
    """Each of Japan's agreements once per partner, with its dates from agreement_status.

    The statuses and the partners are two queries joined here: joined in SQL,
    PostgreSQL computed the statuses before the join (3 s instead of 0.3 s at
    100,000 agreements).
    """
    ids = japans_agreement_ids()
    statuses = {
        row["agreement_id"]: row
        for row in _in_chunks(
            """
            SELECT agreement_id, agreement_slug, type_code, status,
                   signature_date, signature_date_precision, signature_date_latest,
                   entry_into_force_date, entry_into_force_date_precision, entry_into_force_date_latest,
                   end_date, end_date_precision, end_date_latest,
                   superseded_date, superseded_date_precision, superseded_date_latest
            FROM agreement_status WHERE agreement_id IN ({ids})
            """,
            ids,
        )
    }
    partners = _in_chunks(
        f"""
        SELECT p.agreement_id, COALESCE(c.name, o.acronym) AS partner, c.iso3 AS partner_iso3
        FROM agreement_party p
        LEFT JOIN country c ON c.id = p.country_id
        LEFT JOIN organization o ON o.id = p.organization_id
        WHERE p.agreement_id IN ({{ids}}) AND p.role IN ('party', 'signatory')
          AND (c.iso3 IS NULL OR c.iso3 <> '{JAPAN}')
        """,
        ids,
    )
    rows = [{**statuses[p["agreement_id"]], **p} for p in partners if p["agreement_id"] in statuses]
    return sorted(
        rows, key=lambda r: (r["partner"], r["type_code"], str(r["signature_date"] or ""), r["agreement_id"])
    )


def _period(row, name):
    """(first day, last day) of a dated step, or None: a partial date spans its month or year."""
    start = _day(row[f"{name}_date"])
    if start is None:
        return None
    return start, _day(row[f"{name}_date_latest"]) or start


def timeline_rows(today=None):
    """The timeline's marks: a bar per phase of each agreement and a box per dated step.

    Each row is a dict: ``label`` ("partner · type"), ``kind`` (one of the
    phases, or the date's period), ``step`` (signature, entry into force, end),
    ``start`` and ``end`` (ISO dates; ``end`` is exclusive, the day after the
    last), ``precision`` for a date's period.
    """
    today = today or coverage_end()
    marks = []
    for row in agreement_partners():
        label = f"{row['partner']} · {row['type_code']}"
        signed = _period(row, "signature")
        in_force = _period(row, "entry_into_force")
        ended = _period(row, "end") or _period(row, "superseded")
        if signed is None and in_force is None:
            continue  # under negotiation: nothing to draw on a time axis
        finish = ended[0] if ended else today
        if signed and (in_force is None or signed[0] < in_force[0]):
            until = in_force[0] if in_force else finish
            marks.append(_mark(row, label, PHASE_SIGNED, "", signed[0], until))
        if in_force:
            marks.append(_mark(row, label, PHASE_IN_FORCE, "", in_force[0], finish))
        for step, period, name in (
            ("signature", signed, "signature"),
            ("entry into force", in_force, "entry_into_force"),
            ("end", _period(row, "end"), "end"),
        ):
            if period:
                mark = _mark(row, label, PHASE_DATE, step, period[0], period[1] + datetime.timedelta(days=1))
                mark["precision"] = row[f"{name}_date_precision"]
                marks.append(mark)
    return marks


def _mark(row, label, kind, step, start, end):
    return {
        "label": label,
        "partner": row["partner"],
        "type": row["type_code"],
        "agreement": row["agreement_slug"],
        "kind": kind,
        "step": step,
        "start": start.isoformat(),
        "end": max(end, start).isoformat(),
        "precision": "",
    }


def _agreement_active(row, year):
    """Signed or in force during the year, and not ended before it began."""
    begun = [d for d in (_day(row["signature_date"]), _day(row["entry_into_force_date"])) if d]
    if not begun or min(begun).year > year:
        return False
    ended = _day(row["end_date"]) or _day(row["superseded_date"])
    return ended is None or ended.year >= year


def exercise_participants(year=None):
    """(exercise id, start year, participant name, is Japan) of the exercises Japan took part in."""
    params = []
    where = ""
    if year is not None:
        where = "AND e.start_date >= %s AND e.start_date <= %s"
        params = [datetime.date(year, 1, 1), datetime.date(year, 12, 31)]
    rows = _rows(
        f"""
        SELECT e.id AS exercise_id, e.start_date, COALESCE(c.name, o.acronym) AS participant,
               c.iso3 AS participant_iso3
        FROM exercise e
        JOIN exercise_participant p ON p.exercise_id = e.id
        LEFT JOIN country c ON c.id = p.country_id
        LEFT JOIN organization o ON o.id = p.organization_id
        WHERE e.part_of_id IS NULL AND e.id IN ({JAPANS_EXERCISES}) {where}
        ORDER BY e.id, participant
        """,
        params,
    )
    for row in rows:
        row["start_date"] = _day(row["start_date"])
    return rows


def network_edges(year=None):
    """{(node, node, link): number of agreements or exercises}; nodes are partner names.

    Agreements link every two of their parties (Japan included) for their type;
    exercises link every two of their participants. With a year, only the
    agreements signed or in force in it and the exercises that began in it count.
    """
    members = defaultdict(set)  # (record, link) -> its parties
    japan = _japan_name()
    for row in agreement_partners():
        if row["status"] == "negotiating" and year is None:
            continue
        if year is not None and not _agreement_active(row, year):
            continue
        key = (("agreement", row["agreement_id"]), row["type_code"])
        members[key].update((japan, row["partner"]))
    for row in exercise_participants(year):
        members[(("exercise", row["exercise_id"]), EXERCISE)].add(row["participant"])
    edges = defaultdict(int)
    for (_record, link), parties in members.items():
        ordered = sorted(parties)
        for i, one in enumerate(ordered):
            for two in ordered[i + 1 :]:
                edges[(one, two, link)] += 1
    return dict(edges)


def _japan_name():
    [row] = _rows(f"SELECT MIN(name) AS name FROM country WHERE iso3 = '{JAPAN}'") or [{"name": None}]
    return row["name"] or "Japan"


def exercise_counts():
    """[{year, partner, exercises}]: Japan's exercises per start year and partner."""
    counts = defaultdict(set)
    for row in exercise_participants():
        if row["participant_iso3"] == JAPAN or row["start_date"] is None:
            continue
        counts[(row["start_date"].year, row["participant"])].add(row["exercise_id"])
    return [
        {"year": year, "partner": partner, "exercises": len(ids)}
        for (year, partner), ids in sorted(counts.items())
    ]


def years():
    """The years the network can be filtered by: from Japan's first dated agreement or exercise to today.

    Cached like the pictures: every request for the page or the network asks.
    """
    key = f"acsa-overview:years:{data_version()}"
    found = cache.get(key)
    if found is None:
        found = _years()
        cache.set(key, found, CACHE_SECONDS)
    return found


def _years():
    dates = _in_chunks(
        """
        SELECT MIN(signature_date) AS first_signed, MIN(entry_into_force_date) AS first_in_force
        FROM agreement_status WHERE agreement_id IN ({ids})
        """,
        japans_agreement_ids(),
    )
    dates += _rows(
        f"""
        SELECT MIN(e.start_date) AS first_exercise FROM exercise e
        WHERE e.part_of_id IS NULL AND e.id IN ({JAPANS_EXERCISES})
        """
    )
    known = [_day(value).year for row in dates for value in row.values() if value is not None]
    return list(range(min(known), coverage_end().year + 1)) if known else []


# --- Charts -----------------------------------------------------------------------------------


def _named(datasets, name, values):
    """A chart's data by name, its rows in ``datasets`` (the spec's top-level datasets).

    Altair walks inline values one by one when it writes the spec (0.6 ms a
    row: 30 s for 46,000 network links); a named dataset it leaves alone.
    """
    datasets[name] = values
    return alt.Data(name=name)


def _empty(title, datasets):
    return (
        alt.Chart(_named(datasets, "empty", [{"text": "Nothing recorded yet"}]))
        .mark_text(size=14)
        .encode(text="text:N")
        .properties(title=title, width=400, height=60)
    )


def timeline_chart(datasets):
    marks = timeline_rows()
    title = "Japan's agreements by partner and type: signature, entry into force, end"
    if not marks:
        return _empty(title, datasets)
    labels = sorted({m["label"] for m in marks})
    if len(labels) > TIMELINE_ROWS:
        agreements = defaultdict(set)
        for m in marks:
            agreements[m["partner"]].add(m["agreement"])
        busiest = sorted(agreements, key=lambda partner: (-len(agreements[partner]), partner))
        rows_of = defaultdict(set)
        for m in marks:
            rows_of[m["partner"]].add(m["label"])
        kept = set()
        for partner in busiest:
            if len(kept) + len(rows_of[partner]) > TIMELINE_ROWS:
                break
            kept |= rows_of[partner]
        kept = kept or set(labels[:TIMELINE_ROWS])
        partners = len({m["partner"] for m in marks if m["label"] in kept})
        title += f" ({len(kept)} of {len(labels)} rows: the {partners} partners with the most agreements)"
        marks = [m for m in marks if m["label"] in kept]
        labels = sorted(kept)
    base = alt.Chart(_named(datasets, "marks", marks)).encode(
        y=alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y")),
        x2="end:T",
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(
                domain=[PHASE_SIGNED, PHASE_IN_FORCE, PHASE_DATE], range=["#f2b54b", "#2f6f9f", "#222222"]
            ),
            legend=alt.Legend(orient="top"),
        ),
    )
    phases = base.transform_filter(alt.datum.kind != PHASE_DATE).mark_bar(height=8)
    dates = base.transform_filter(alt.datum.kind == PHASE_DATE).mark_bar(height=14, opacity=0.45)
    return (phases + dates).properties(title=title, width=900, height=alt.Step(16))


def _busiest(edges, japan):
    """At most NETWORK_PARTNERS partners (those with the most links to Japan) and NETWORK_LINKS links
    (the links with Japan first, then the strongest): a readable picture at any size.

    Returns the edges kept and a note of what was left out ("" when nothing was).
    """
    with_japan = defaultdict(int)
    for (one, two, _link), count in edges.items():
        if japan in (one, two):
            with_japan[two if one == japan else one] += count
    partners = {n for one, two, _l in edges for n in (one, two)} - {japan}
    notes = []
    if len(partners) > NETWORK_PARTNERS:
        kept = set(sorted(partners, key=lambda p: (-with_japan.get(p, 0), p))[:NETWORK_PARTNERS])
        edges = {key: n for key, n in edges.items() if {key[0], key[1]} <= kept | {japan}}
        notes.append(f"the {NETWORK_PARTNERS} partners with the most links to Japan, of {len(partners)}")
    if len(edges) > NETWORK_LINKS:
        total = len(edges)
        ranked = sorted(edges.items(), key=lambda item: (japan not in item[0][:2], -item[1], item[0]))
        edges = dict(ranked[:NETWORK_LINKS])
        notes.append(f"the {NETWORK_LINKS} strongest links, of {total}")
    return edges, "; ".join(notes)


def network_chart(datasets, year=None):
    edges = network_edges(year)
    title = "Japan's partners linked by agreements and joint exercises" + (f", {year}" if year else "")
    if not edges:
        return _empty(title, datasets)
    japan = _japan_name()
    edges, trimmed = _busiest(edges, japan)
    if trimmed:
        title += f" ({trimmed})"
    others = sorted({n for one, two, _l in edges for n in (one, two)} - {japan})
    position = {japan: (0.0, 0.0)}
    for i, name in enumerate(others):
        angle = 2 * pi * i / len(others) - pi / 2
        position[name] = (cos(angle), sin(angle))
    pair_links = defaultdict(list)
    for one, two, link in sorted(edges):
        pair_links[(one, two)].append(link)
    lines = []
    for (one, two, link), count in sorted(edges.items()):
        (x1, y1), (x2, y2) = position[one], position[two]
        # The links of one pair side by side, a few pixels apart across the line.
        links = pair_links[(one, two)]
        length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1e-9)
        shift = (links.index(link) - (len(links) - 1) / 2) * 0.008
        dx, dy = -(y2 - y1) / length * shift, (x2 - x1) / length * shift
        lines.append(
            {
                "x": x1 + dx,
                "y": y1 + dy,
                "x2": x2 + dx,
                "y2": y2 + dy,
                "link": link,
                "count": count,
                "pair": f"{one} – {two}",
            }
        )
    nodes = [{"name": name, "x": x, "y": y} for name, (x, y) in position.items()]
    axis = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    scale = alt.Scale(domain=[-1.3, 1.3])
    edge_layer = (
        alt.Chart(_named(datasets, "links", lines))
        .mark_rule(opacity=0.8)
        .encode(
            x=alt.X("x:Q", axis=axis, scale=scale),
            y=alt.Y("y:Q", axis=axis, scale=scale),
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color("link:N", title="link", scale=alt.Scale(scheme="tableau10")),
            strokeWidth=alt.StrokeWidth(
                "count:Q",
                title="agreements or exercises",
                scale=alt.Scale(range=[1, 6]),
                legend=alt.Legend(values=sorted({line["count"] for line in lines})[:8], format="d"),
            ),
        )
    )
    node_layer = alt.Chart(_named(datasets, "nodes", nodes)).encode(x="x:Q", y="y:Q")
    points = node_layer.mark_circle(size=90, color="#333333", opacity=1)
    names = node_layer.mark_text(dy=-11, fontSize=11).encode(text="name:N")
    return (edge_layer + points + names).properties(title=title, width=760, height=760)


def exercises_chart(datasets):
    counts = exercise_counts()
    title = "Exercises with Japan per year, by partner (an exercise counts once for each partner)"
    if not counts:
        return _empty(title, datasets)
    # Every year between the first and the last, so that a year without exercises shows as a gap.
    every_year = list(range(counts[0]["year"], counts[-1]["year"] + 1))
    totals = defaultdict(int)
    for row in counts:
        totals[row["partner"]] += row["exercises"]
    if len(totals) > EXERCISE_PARTNERS:
        # The busiest partners by name, the rest summed: twenty colours are all a reader tells apart.
        named = set(sorted(totals, key=lambda p: (-totals[p], p))[: EXERCISE_PARTNERS - 1])
        merged = defaultdict(int)
        for row in counts:
            merged[(row["year"], row["partner"] if row["partner"] in named else OTHER_PARTNERS)] += row[
                "exercises"
            ]
        counts = [{"year": y, "partner": p, "exercises": n} for (y, p), n in sorted(merged.items())]
        title += f'; {len(totals) - len(named)} partners with fewer exercises as "{OTHER_PARTNERS}"'
    return (
        alt.Chart(_named(datasets, "counts", counts))
        .mark_bar()
        .encode(
            x=alt.X(
                "year:O",
                title=None,
                scale=alt.Scale(domain=every_year),
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("sum(exercises):Q", title="exercises with the partner"),
            color=alt.Color("partner:N", title="partner", scale=alt.Scale(scheme="tableau20")),
        )
        .properties(title=title, width=760, height=360)
    )


def spec(name, year=None):
    """The picture's Vega-Lite specification, its data included."""
    datasets = {}
    if name == "timeline":
        chart = timeline_chart(datasets)
    elif name == "network":
        chart = network_chart(datasets, year)
    elif name == "exercises":
        chart = exercises_chart(datasets)
    else:
        raise KeyError(name)
    # The chart is ours, not user input: Altair's schema validation would only add time.
    specification = chart.configure_view(stroke=None).to_dict(validate=False)
    specification.setdefault("datasets", {}).update(datasets)
    return specification


def render(name, fmt, year=None):
    """The picture as bytes (SVG text encoded, or PNG), from the cache when the data is unchanged.

    A PNG is the SVG rasterised at twice its size (sharp in print), so that
    both formats of one picture cost one drawing.
    """
    if name not in CHARTS or fmt not in FORMATS:
        raise KeyError(f"{name}.{fmt}")
    key = f"acsa-overview:{name}:{{}}:{year or ''}:{data_version()}"
    picture = cache.get(key.format(fmt))
    if picture is not None:
        return picture
    svg = cache.get(key.format("svg"))
    if svg is None:
        svg = vl_convert.vegalite_to_svg(spec(name, year)).encode()
        cache.set(key.format("svg"), svg, CACHE_SECONDS)
    if fmt == "svg":
        return svg
    picture = vl_convert.svg_to_png(svg.decode(), scale=2)
    cache.set(key.format(fmt), picture, CACHE_SECONDS)
    return picture
