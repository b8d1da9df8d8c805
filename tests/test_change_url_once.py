"""The address of a record's admin page is built in one place: ``acsa_db.admin.display.change_url``."""

import re
from pathlib import Path

from django.urls import reverse

from acsa_db.admin.display import change_url

PACKAGE = Path(__file__).resolve().parent.parent / "acsa_db"
# A change page's URL name, spelled out ("admin:acsa_db_citation_change") or built ("..._change").
CHANGE_URL_NAME = re.compile(r"""_change["'}]""")


def test_only_display_builds_a_change_url():
    builders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and CHANGE_URL_NAME.search(path.read_text(encoding="utf-8"))
    ]
    assert builders == ["admin/display.py"]


def test_change_url_is_the_admin_change_page(citation):
    assert change_url(citation) == reverse("admin:acsa_db_citation_change", args=[citation.pk])
    assert change_url(citation.agreement) == f"/admin/acsa_db/agreement/{citation.agreement.pk}/change/"
