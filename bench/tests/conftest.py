"""The fixtures of tests/conftest.py, for the tests of the benchmarks' code (bench may import tests; tests
may not import bench)."""

from tests.conftest import (  # noqa: F401  (fixtures)
    acsa_type,
    agreement,
    citation,
    cited_agreement,
    curator,
    exercise,
    germany,
    japan,
    make_user,
    nato,
    reference_data,
    reviewer,
    seeded_data_set,
    source,
    viewer,
)
