// The export page's "Select all" box: django-import-export binds it with an inline
// onchange attribute, which the Content-Security-Policy (script-src 'self') blocks;
// template_overrides/admin/import_export/export.html drops the attribute and loads this.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", (event) => {
      document
        .querySelectorAll('.selectable-field-export-row input[type="checkbox"]')
        .forEach((checkbox) => {
          checkbox.checked = event.target.checked;
        });
    });
  });
});
