"""Hypothesis profiles: a few hundred examples in CI, 10,000 on demand (docs/reliability.md).

Imported by the property-based test modules; HYPOTHESIS_PROFILE picks the profile.
"""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=100, derandomize=True)
settings.register_profile("long", max_examples=10_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
