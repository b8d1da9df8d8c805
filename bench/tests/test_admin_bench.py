"""bench/admin_bench.py's verdicts (issue 20, point 8), on figures given here: no page is timed."""

from bench.admin_bench import combine, growing_verdict, grows_with_data, report


def page(name, ms, rows, group="agreement changelist", queries=5):
    return {
        "group": group,
        "name": name,
        "path": "/",
        "ms": ms,
        "queries": queries,
        "rows": rows,
        "sql_ms": 1.0,
        "seq_scans": [],
    }


def test_the_growing_filters_are_the_year_the_contradictions_and_the_searches():
    assert grows_with_data("agreement changelist", "filtered: year signed")
    assert grows_with_data("agreement changelist", "filtered: has contradicting citations")
    assert grows_with_data("exercise changelist", "filtered: year")
    assert grows_with_data("source changelist", "searched: logistics")
    assert not grows_with_data("agreement changelist", "plain")
    assert not grows_with_data("agreement changelist", "filtered: type")


def test_a_growing_filter_is_judged_per_listed_row_and_on_300_ms():
    # 8 rows in 20 ms, then 100 rows in 150 ms: 2.5 ms a row, then 1.5: far above 1.2x by page, met by row.
    ok, text = growing_verdict(
        page("filtered: year signed", 20, 8), page("filtered: year signed", 150, 100), True
    )
    assert ok and "0.60x per row" in text
    # 2.5 ms a row, then 3.2: slower per row.
    assert not growing_verdict(page("y", 20, 8), page("y", 320, 100), True)[0]
    # Per row within 1.2x but above 300 ms for the page.
    assert not growing_verdict(page("y", 40, 10), page("y", 310, 100), True)[0]
    # More queries on the large database.
    assert not growing_verdict(page("y", 20, 8), page("y", 150, 100), False)[0]


def test_nothing_listed_on_one_side_is_judged_on_300_ms_alone():
    ok, text = growing_verdict(page("searched: x", 20, 0), page("searched: x", 250, 100), True)
    assert ok and "300 ms alone" in text
    assert not growing_verdict(page("searched: x", 20, 0), page("searched: x", 301, 100), True)[0]


def test_rounds_are_combined_by_their_medians():
    rounds = [
        {"agreements": 1000, "pages": [page("plain", ms, 100)], "views": ["first round only"]}
        for ms in (50.0, 80.0, 55.0)
    ]
    combined = combine(rounds)
    assert combined["pages"][0]["ms"] == 55.0
    assert combined["pages"][0]["round_ms"] == [50.0, 80.0, 55.0]
    assert combined["views"] == ["first round only"]


def test_the_report_keeps_the_page_target_for_other_pages_and_lists_the_growing_ones():
    small = {
        "agreements": 1000,
        "citations": 10000,
        "stock_search": [],
        "views": [],
        "pages": [page("plain", 50, 100), page("filtered: year signed", 20, 8)],
    }
    large = {
        "agreements": 100000,
        "citations": 1000000,
        "stock_search": [],
        "views": [],
        "pages": [page("plain", 70, 100), page("filtered: year signed", 150, 100)],
    }
    info = {
        "cpus": 2,
        "memory": "8 GiB",
        "postgres": "PostgreSQL 15",
        "python": "3.11",
        "django": "5.2",
        "load": "3.0, 2.0, 1.0",
    }
    body, misses = report(small, large, info, repeat=9, rounds=3)
    assert misses == ["agreement changelist plain"]  # 1.4x on its page time
    assert "3 rounds" in body and "load average 3.0, 2.0, 1.0" in body
    assert (
        "| agreement changelist: filtered: year signed | 8/100 | 20.0/150.0 | 2.50/1.50 | 0.60 | yes | meets |"
        in body
    )
