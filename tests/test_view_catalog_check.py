"""The view catalog documents every view of the current version, in order: system check acsa_db.E001."""

from django.core import checks

from acsa_db.sql import catalog


def catalog_errors():
    return [message for message in checks.run_checks() if message.id == "acsa_db.E001"]


def test_the_catalog_passes_its_check():
    assert catalog_errors() == []


def test_a_view_left_undocumented_fails_the_check(monkeypatch):
    *documented, left_out = catalog.VIEWS
    monkeypatch.setattr(catalog, "VIEWS", tuple(documented))
    (error,) = catalog_errors()
    assert f"not documented: {left_out.name}" in error.msg
    assert error.level == checks.ERROR


def test_views_out_of_order_fail_the_check(monkeypatch):
    first, second, *rest = catalog.VIEWS
    monkeypatch.setattr(catalog, "VIEWS", (second, first, *rest))
    (error,) = catalog_errors()
    assert "the order differs" in error.msg
