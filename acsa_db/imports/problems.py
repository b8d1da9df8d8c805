"""What a refused import reports: every problem of a file, each naming its row and column."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One reason to refuse a file.

    ``row`` is the row as a spreadsheet numbers it (the header is row 1, the
    first record row 2; in a JSON file, row 2 is the first object), or
    ``None`` for a problem of the whole file. ``column`` is the column's
    header, or ``None`` when the problem is not tied to one column.
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self):
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ImportRefused(Exception):
    """The import was refused and nothing was written; ``problems`` says why, all at once."""

    def __init__(self, problems, *, truncated=0):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.reason))
        self.truncated = truncated
        super().__init__(self.summary())

    def summary(self):
        count = len(self.problems) + self.truncated
        lines = [f"Import refused, nothing was written: {count} problem{'s' if count != 1 else ''}."]
        lines.extend(f"  {problem}" for problem in self.problems)
        if self.truncated:
            lines.append(f"  ... and {self.truncated} more problems not listed.")
        return "\n".join(lines)


class ProblemLog:
    """Collects the problems of an import, keeping the first ``limit`` and counting the rest.

    A file with a million bad rows would otherwise hold a million messages in
    memory; the count of the others is still reported.
    """

    def __init__(self, limit=1000):
        self.limit = limit
        self.problems = []
        self.truncated = 0

    def add(self, file, row, column, reason):
        if len(self.problems) < self.limit:
            self.problems.append(Problem(file, row, column, reason))
        else:
            self.truncated += 1

    def __bool__(self):
        return bool(self.problems) or bool(self.truncated)

    def refusal(self):
        return ImportRefused(self.problems, truncated=self.truncated)
