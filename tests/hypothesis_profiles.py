"""Hypothesis profiles: a hundred examples in CI, 10,000 on demand (docs/reliability.md).

Imported by the property-based test modules; HYPOTHESIS_PROFILE picks the profile.

No ``derandomize``: each run draws new examples, so CI explores a little more
of the input space every time instead of replaying the same hundred. A failing
example is kept in the example database (``.hypothesis/`` at the repository's
root, not committed) and replayed first on the next run, until it passes.
"""

import os
from pathlib import Path

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

EXAMPLES = DirectoryBasedExampleDatabase(Path(__file__).resolve().parent.parent / ".hypothesis" / "examples")

settings.register_profile("ci", max_examples=100, database=EXAMPLES)
settings.register_profile("long", max_examples=10_000, database=EXAMPLES)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
