"""Check that each source's URL still answers, and record what it said and when."""

from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...models import Source
from ...source_links import check_url


class Command(BaseCommand):
    help = (
        "Request the URL of each source (or of the sources named) and record the HTTP status, or why "
        "there was none, with the time of the check. A bad link is reported, never fatal: the run "
        "goes on and exits 0."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", help="Slugs of the sources to check (default: every source with a URL)."
        )
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="Seconds allowed for each request (default 10)."
        )
        parser.add_argument(
            "--workers", type=int, default=4, help="Requests made at the same time (default 4)."
        )

    def handle(self, *args, slugs, timeout, workers, **options):
        sources = Source.objects.exclude(url__isnull=True).exclude(url="").order_by("slug")
        if slugs:
            sources = sources.filter(slug__in=slugs)
            unknown = set(slugs) - set(sources.values_list("slug", flat=True))
            for slug in sorted(unknown):
                self.stderr.write(f"No source with a URL has the slug {slug!r}.")
        rows = list(sources.values_list("pk", "slug", "url"))
        broken = 0
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            checks = pool.map(lambda row: check_url(row[2], timeout), rows)
            for (pk, slug, url), check in zip(rows, checks, strict=True):
                # A plain UPDATE: the check is machine data, not a curator's edit (no history row,
                # no new version that would refuse a curator's open form).
                Source.objects.filter(pk=pk).update(
                    url_status_code=check.status_code,
                    url_check_error=check.error,
                    url_checked_at=timezone.now(),
                )
                if check.ok:
                    self.stdout.write(f"ok      {check.status_code} {slug} {url}")
                else:
                    broken += 1
                    said = check.status_code if check.status_code is not None else check.error
                    self.stdout.write(f"BROKEN  {said} {slug} {url}")
        self.stdout.write(f"Checked {len(rows)} source URLs: {len(rows) - broken} answered, {broken} broken.")
