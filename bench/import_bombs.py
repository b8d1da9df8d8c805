"""Import bombs: files up to the upload limit that expand in memory or time, sent to the admin's import.

Issue 16, point 6. Each file is built here, then uploaded to the admin's
import page (the preview: the dry run the admin runs on every upload) by a
child process of its own, which signs a curator in with Django's test
client and posts it, exactly as a browser would. For each file the parent
prints the child's peak resident memory (its own ``ru_maxrss``), the
time the upload took inside the child, and PASS or FAIL against the issue's
targets: no file up to the upload limit takes a worker above 300 MB or 30 s,
and the known bombs are refused within 5 s. "accepted" files must be
accepted, every other file refused.

The files:

- ``wide-row.xlsx``: one row of 2,000,000 cells (60 KB: the same cell
  repeated, refused by its ratio), and ``wide-row-varied.xlsx``, the same
  with a different number in each cell (about 9 MB, under the ratio limit:
  refused by the sheet's scan);
- ``shared-strings.xlsx``: 1,500,000 distinct shared strings (about 7 MB);
- ``zip-bomb.xlsx``: a sheet part that inflates about 1,000 times (5.6 MB to
  about 5.8 GB; ``--zip-bomb-gb`` to change);
- ``deep.json``: arrays nested 200,000 deep;
- ``long-number.json``: a number of 100,000 digits;
- files a curator could upload, which must be accepted within the targets:
  ``legit.csv``, exercise rows with summaries of about 1 KB just under the
  20 MB upload limit (about 19,000 rows; an upload takes 20,000), and
  ``legit.xlsx``, 4,999 exercise rows written by openpyxl (50,000 cells with
  the header, the upload's XLSX limit);
- files within the upload limit but over the row or cell limits, which must
  be refused within 30 s: ``short-rows.csv`` (about 650,000 rows of a slug
  and a name) and ``big.xlsx`` (exercise rows up to 20 MB, about 200,000).

```sh
.venv/bin/python bench/import_bombs.py                 # SQLite database in a temporary folder
DATABASE_URL=postgres://postgres@127.0.0.1:5432/acsa_bench_bombs .venv/bin/python bench/import_bombs.py
```

The builders are also used by ``bench/tests/test_import_bombs.py``, at sizes that
run fast (with the limits lowered there).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_TARGET_MB = 300
TIME_TARGET_S = 30
BOMB_TIME_TARGET_S = 5
UPLOAD_LIMIT = 20 * 1024 * 1024

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}</Types>"
)
SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{DOC_REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "{shared}</Relationships>"
)
SHARED_REL = f'<Relationship Id="rId2" Type="{DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'


def write_xlsx(path, sheet_data, shared_strings=None, *, compresslevel=6):
    """A minimal workbook whose sheet's ``<sheetData>`` is the bytes ``sheet_data`` yields.

    ``shared_strings``, if given, yields the ``<si>`` elements of the shared
    strings table. Parts are written in chunks: a bomb is never whole in memory.
    """
    shared = SHARED_TYPE if shared_strings is not None else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(shared=shared))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(shared=SHARED_REL if shared else "")
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode())
            for chunk in sheet_data:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
                for chunk in shared_strings:
                    part.write(chunk)
                part.write(b"</sst>")
    return path


def _inline(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row():
    return ('<row r="1">' + _inline("A1", "slug") + _inline("B1", "name") + "</row>").encode()


def wide_row_xlsx(path, cells=2_000_000, *, varied=False):
    """A header, then one row of ``cells`` cells (no column references, so any count fits).

    ``varied``: each cell a different number, so that the sheet compresses
    about as a real one does (under the ratio limit) and only the row's
    width gives it away.
    """

    def rows():
        yield header_row()
        yield b'<row r="2">'
        rng = random.Random(1)
        for start in range(0, cells, 10_000):
            count = min(10_000, cells - start)
            if varied:
                yield b"".join(b"<c><v>%d</v></c>" % rng.randrange(10**9) for _ in range(count))
            else:
                yield b"<c><v>1</v></c>" * count
        yield b"</row>"

    return write_xlsx(path, rows())


def shared_strings_xlsx(path, strings=1_500_000):
    """A small sheet and a table of ``strings`` distinct shared strings."""

    def table():
        batch = []
        for number in range(strings):
            batch.append(f"<si><t>s{number:07d}</t></si>")
            if len(batch) == 10_000:
                yield "".join(batch).encode()
                batch = []
        yield "".join(batch).encode()

    def rows():
        yield b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        yield b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'

    return write_xlsx(path, rows(), table(), compresslevel=9)


def zip_bomb_xlsx(path, inflated_bytes=5_800_000_000):
    """A sheet whose one cell holds ``inflated_bytes`` of the same letter: deflate packs it about 1,000 times."""

    def rows():
        yield header_row()
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = b"A" * (16 * 1024 * 1024)
        for _ in range(inflated_bytes // len(block)):
            yield block
        yield b"A" * (inflated_bytes % len(block))
        yield b"</t></is></c></row>"

    return write_xlsx(path, rows(), compresslevel=9)


def deep_json(path, depth=200_000):
    Path(path).write_bytes(b'[{"slug": ' + b"[" * depth + b"]" * depth + b"}]")
    return path


def long_number_json(path, digits=100_000):
    Path(path).write_bytes(b'[{"slug": "x", "name": ' + b"7" * digits + b"}]")
    return path


EXERCISE_HEADER = [
    "slug",
    "name",
    "series",
    "kind",
    "status",
    "start_date",
    "end_date",
    "location",
    "host",
    "summary",
]
HOSTS = ["JPN", "AUS", "USA", "GBR", "FRA", "DEU", "IND", "PHL", "CAN", "ITA"]


def exercise_rows(rng, summary_words=60):
    words = "joint bilateral air naval amphibious logistics exercise training drill deployment".split()
    number = 0
    while True:
        number += 1
        year = 1990 + number % 35
        yield [
            f"bench-exercise-{number}",
            f"Bench exercise {number}",
            "Bench series",
            "exercise",
            "held",
            f"{year}-{1 + number % 12:02d}",
            "",
            f"Location {number % 97}",
            HOSTS[number % len(HOSTS)],
            " ".join(rng.choice(words) for _ in range(summary_words)),
        ]


def legit_csv(path, target_bytes=UPLOAD_LIMIT - 512 * 1024, max_rows=20_000, summary_words=130):
    """Exercise rows with summaries of about 1 KB, up to ``target_bytes`` or ``max_rows`` (the upload's limit)."""
    import csv

    rng = random.Random(1)
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(EXERCISE_HEADER)
        for row in exercise_rows(rng, summary_words):
            writer.writerow(row)
            count += 1
            if count == max_rows or (count % 100 == 0 and out.tell() >= target_bytes):
                break
    return path, count


def legit_xlsx(path, *, rows=None, target_bytes=UPLOAD_LIMIT - 512 * 1024):
    """The same rows as an XLSX written by openpyxl: ``rows`` of them, or as many as fit in ``target_bytes``."""
    import openpyxl

    def build(count):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(EXERCISE_HEADER)
        generated = exercise_rows(random.Random(1))
        for _ in range(count):
            sheet.append(next(generated))
        workbook.save(path)
        return os.path.getsize(path)

    if rows is not None:
        build(rows)
        return path, rows
    count = 10_000
    count = int(count * target_bytes / build(count) * 0.99)
    while build(count) > target_bytes:
        count = int(count * 0.98)
    return path, count


def short_rows_csv(path, target_bytes=UPLOAD_LIMIT - 512 * 1024):
    """Exercise rows of a slug and a name only, up to ``target_bytes``: far more rows than an upload takes."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("slug,name\n")
        while out.tell() < target_bytes:
            lines = [f"bench-short-{count + n},Short {count + n}\n" for n in range(10_000)]
            out.write("".join(lines))
            count += len(lines)
    return path, count


# -- the child: one upload through the admin -------------------------------------------------------
def child(path, format_index, memory_cap_mb):
    import resource

    cap = memory_cap_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))  # a bomb that gets through fails here, not the machine
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acsa_db.settings")
    os.environ["DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then records each response's template context
    user = get_user_model().objects.get(username="bench-bombs")
    client = Client()
    client.force_login(user)
    url = "/admin/acsa_db/exercise/import/"
    client.get(url)  # warm: templates, admin site
    baseline = _rss_mb()
    started = time.perf_counter()
    with open(path, "rb") as upload:
        response = client.post(url, {"resource": "0", "format": format_index, "import_file": upload})
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    context = response.context or {}
    problems = [str(p) for p in (context.get("problems") or [])]
    report = context.get("report")
    print(
        json.dumps(
            {
                "status": response.status_code,
                "seconds": seconds,
                "baseline_mb": baseline,
                "peak_mb": peak,
                "refused": bool(problems),
                "problem": problems[0] if problems else None,
                "rows": report.files[0].rows if report else None,
            }
        )
    )


def _rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_child(path, format_index, env, memory_cap_mb, timeout):
    command = [sys.executable, __file__, "--child", str(path), format_index, str(memory_cap_mb)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, capture_output=True, cwd=ROOT, timeout=timeout)
        code, out, err = done.returncode, done.stdout.decode(), done.stderr.decode()
    except subprocess.TimeoutExpired as expired:
        code, out, err = "killed at the timeout", "", (expired.stderr or b"").decode()
    return code, out, err, time.perf_counter() - started


def setup_database(env):
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "loaddata",
            "countries.json",
            "organizations.json",
            "agreement_types.json",
            "domains.json",
            "-v0",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    script = (
        "from django.contrib.auth.models import Group; from django.contrib.auth import get_user_model; "
        "u, _ = get_user_model().objects.get_or_create(username='bench-bombs', defaults={'is_staff': True}); "
        "u.groups.set(Group.objects.filter(name='curator'))"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script], env=env, cwd=ROOT, check=True
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--zip-bomb-gb", type=float, default=5.8, help="What the zip bomb inflates to.")
    parser.add_argument("--memory-cap-mb", type=int, default=2048, help="Address-space cap of each child.")
    parser.add_argument("--keep", help="Build the files in this folder and keep them.")
    args = parser.parse_args()
    if args.child:
        path, format_index, cap = args.child
        child(path, format_index, int(cap))
        return

    folder = Path(args.keep or tempfile.mkdtemp(prefix="acsa-import-bombs-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    env["ACSA_IMPORT_PENDING_DIR"] = str(folder / "pending")
    print(f"Database: {env['DATABASE_URL']}; files in {folder}")
    setup_database(env)

    CSV, XLSX, JSON = "0", "1", "2"
    cases = []
    started = time.perf_counter()
    cases.append(("1 row of 2,000,000 cells", wide_row_xlsx(folder / "wide-row.xlsx"), XLSX, "bomb"))
    cases.append(
        (
            "1 row of 2,000,000 cells, varied",
            wide_row_xlsx(folder / "wide-row-varied.xlsx", varied=True),
            XLSX,
            "bomb",
        )
    )
    cases.append(
        ("1,500,000 shared strings", shared_strings_xlsx(folder / "shared-strings.xlsx"), XLSX, "bomb")
    )
    cases.append(
        (
            f"zip bomb ({args.zip_bomb_gb:g} GB inflated)",
            zip_bomb_xlsx(folder / "zip-bomb.xlsx", int(args.zip_bomb_gb * 1e9)),
            XLSX,
            "bomb",
        )
    )
    cases.append(("JSON nested 200,000 deep", deep_json(folder / "deep.json"), JSON, "bomb"))
    cases.append(
        ("JSON number of 100,000 digits", long_number_json(folder / "long-number.json"), JSON, "bomb")
    )
    path, rows = legit_csv(folder / "legit.csv")
    cases.append((f"CSV, {rows:,} exercise rows", path, CSV, "accepted"))
    path, rows = legit_xlsx(folder / "legit.xlsx", rows=4_999)
    cases.append((f"XLSX, {rows:,} exercise rows (50,000 cells)", path, XLSX, "accepted"))
    path, rows = short_rows_csv(folder / "short-rows.csv")
    cases.append((f"CSV, {rows:,} short rows", path, CSV, "over the limits"))
    path, rows = legit_xlsx(folder / "big.xlsx")
    cases.append((f"XLSX, {rows:,} exercise rows", path, XLSX, "over the limits"))
    print(f"Files built in {time.perf_counter() - started:.0f} s.\n")

    print(f"{'file':42} {'size':>9} {'peak RSS':>9} {'upload':>8}  verdict")
    failures = 0
    for name, path, format_index, kind in cases:
        size = os.path.getsize(path)
        code, out, err, wall = run_child(path, format_index, env, args.memory_cap_mb, timeout=300)
        peak_mb = float("nan")
        try:
            result = json.loads(out.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            result = None
        if result is None or result["status"] != 200:
            verdict = f"FAIL: the worker did not answer (exit {code}; {err.strip().splitlines()[-1:]})"
            seconds = wall
        else:
            seconds, peak_mb = result["seconds"], result["peak_mb"]
            limit = BOMB_TIME_TARGET_S if kind == "bomb" else TIME_TARGET_S
            ok = peak_mb <= MEMORY_TARGET_MB and seconds <= limit
            if kind == "accepted":
                ok = ok and not result["refused"] and result["rows"]
            else:
                ok = ok and result["refused"]
            if result["refused"]:
                what = f"refused: {result['problem']}"
            else:
                what = f"accepted, {result['rows']:,} rows" if result["rows"] else "NOT refused"
            verdict = ("PASS" if ok else "FAIL") + f" ({what})"
        failures += not verdict.startswith("PASS")
        print(f"{name:42} {size / 1024 / 1024:7.2f}MB {peak_mb:7.0f}MB {seconds:7.2f}s  {verdict}")
    print(
        f"\nTargets: every file at most {MEMORY_TARGET_MB} MB peak RSS (the child's, Django and the test "
        f"client included) and {TIME_TARGET_S} s; bombs refused within {BOMB_TIME_TARGET_S} s."
    )
    print("ALL PASS" if not failures else f"{failures} FAIL")
    if not args.keep:
        for path in folder.iterdir():
            if path.is_file():
                path.unlink()


if __name__ == "__main__":
    main()
