"""Issue 20, point 7: production installs the runtime pins alone, development adds the test and lint tools."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Distributions used only by the tests, the linters and the benchmarks' checks.
DEV_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-playwright",
    "hypothesis",
    "bibtexparser",
    "pylatexenc",
    "ruff",
    "playwright",
    "import-linter",
    "grimp",
    "factory-boy",
    "faker",
}
# What those distributions are imported as.
DEV_MODULES = {
    "pytest",
    "pytest_django",
    "hypothesis",
    "bibtexparser",
    "pylatexenc",
    "playwright",
    "importlinter",
    "grimp",
    "factory",
    "faker",
}


def requirement_lines(name):
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def distribution(line):
    return re.split(r"[\[=<>~ ]", line, maxsplit=1)[0].lower().replace("_", "-")


def test_the_runtime_requirements_hold_no_test_or_lint_tool():
    runtime = {distribution(line) for line in requirement_lines("requirements.txt")}
    assert "django" in runtime and "psycopg" in runtime
    assert not runtime & DEV_TOOLS


def test_the_development_requirements_are_the_runtime_plus_the_tools():
    lines = requirement_lines("requirements-dev.txt")
    assert lines[0] == "-r requirements.txt"
    assert {"pytest", "pytest-django", "ruff", "import-linter"} <= {distribution(line) for line in lines[1:]}


def test_every_requirement_is_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in requirement_lines(name):
            if not line.startswith("-r "):
                assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*", line), (name, line)


def imported_modules(directory):
    for path in (ROOT / directory).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((path, alias.name.split(".")[0]) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.module.split(".")[0]


def test_the_application_imports_no_development_tool():
    # Production installs requirements.txt alone (bin/setup --production).
    found = [
        (str(path.relative_to(ROOT)), module)
        for path, module in imported_modules("acsa_db")
        if module in DEV_MODULES
    ]
    assert found == []


def test_psycopg2_is_gone():
    # psycopg 3 only: psycopg2 is no longer installed (requirements.txt), an import of it would fail.
    found = [
        str(path.relative_to(ROOT))
        for directory in ("acsa_db", "tests", "bench")
        for path, module in imported_modules(directory)
        if module == "psycopg2"
    ]
    assert found == []
