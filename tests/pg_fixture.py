"""pytest fixtures for a throwaway PostgreSQL cluster (``evals/bench/pg_server.py``): one per
session, a fresh empty database per test. Tests that use them are marked ``integration``;
``make test`` installs PostgreSQL when it is missing, and they skip only where it cannot be.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from evals.bench.pg_server import PgCluster, PostgresMissing, start_cluster, stop_cluster

__all__ = ["PgCluster", "pg_cluster", "pg_url"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster for the test session."""
    try:
        cluster = start_cluster()
    except PostgresMissing as exc:
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """URL of a fresh empty database in the session's cluster, dropped after the test."""
    url = pg_cluster.database()
    yield url
    pg_cluster.drop(url)
