"""The curation admin, split by domain like the models."""

from django.contrib import admin

from . import agreements, citations, countries, exercises, releases, sources, users  # noqa: F401  (registers the admins)

admin.site.site_header = "ACSA DB curation"
admin.site.site_title = "ACSA DB"
admin.site.index_title = "Agreements, exercises and the sources behind them"
# The index adds a link to the citation coverage page.
admin.site.index_template = "admin/acsa_db/index.html"
# Without the navigation sidebar on every page: it took 300 of a 1400 px window's pixels,
# pushing the inline tables' last columns off-screen (the index lists the same models).
admin.site.enable_nav_sidebar = False
