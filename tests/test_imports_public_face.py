"""acsa_db.imports has one public face: its ``__init__``. Nothing outside reaches into its modules."""

import ast
from pathlib import Path

import acsa_db.imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "acsa_db" / "imports"
SUBMODULES = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
# Moving elsewhere in step with another change (issue #20, point 2): left as it is for now.


def package_of(path):
    """``("acsa_db", "admin")`` for acsa_db/admin/sources.py: where its relative imports start."""
    return path.relative_to(ROOT).parts[:-1]


def reaching_in(source, package):
    """The ``acsa_db.imports.<module>`` names that ``source``, in ``package``, imports (with line numbers)."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                start = package[: len(package) - node.level + 1]
                base = ".".join([*start, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            # "from acsa_db.imports import resources" reaches in as much as "from acsa_db.imports.resources".
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["acsa_db", "imports"] and len(parts) > 2 and parts[2] in SUBMODULES:
                found.append((node.lineno, name))
                break
    return found


def python_files():
    for folder in ("acsa_db", "tests", "bench", "docs"):
        for path in (ROOT / folder).rglob("*.py"):
            if PACKAGE not in path.parents:
                yield path


def test_nothing_outside_acsa_db_imports_imports_its_modules():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in python_files()
        for line, name in reaching_in(path.read_text(encoding="utf-8"), package_of(path))
    ]
    assert offenders == []


def test_the_check_sees_an_import_that_reaches_in():
    """The walk is not blind: reaching in relatively, absolutely or by naming a module is found."""
    source = (
        "from ..imports.resources import SourceResource\n"
        "from acsa_db.imports import service\n"
        "import acsa_db.imports.writing\n"
        "from ..imports import SourceResource as Fine\n"
        "from .imports import service as elsewhere\n"
    )
    assert [line for line, _ in reaching_in(source, ("acsa_db", "admin"))] == [1, 2, 3]


def test_the_public_face_lists_only_what_it_holds():
    assert sorted(acsa_db.imports.__all__) == sorted(set(acsa_db.imports.__all__))
    for name in acsa_db.imports.__all__:
        assert hasattr(acsa_db.imports, name), name
