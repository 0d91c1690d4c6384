"""A throw-away PostgreSQL cluster for the central tests, and a fresh database per test.

One cluster per test session (initdb + start ≈ 2 s), stopped at the end; each test gets
its own database in it, so tests never see each other's MPPs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest

from hub.central.cluster import ClusterUnavailable, ThrowawayCluster

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    """A PostgreSQL server on a Unix socket in a temp folder (skipped without the binaries)."""
    try:
        cluster = ThrowawayCluster()
    except ClusterUnavailable as missing:
        pytest.skip(str(missing))
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def central_url(pg_cluster: ThrowawayCluster) -> str:
    """The URL of a new, empty database in the cluster."""
    name = f"central_{next(_numbers)}"
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return pg_cluster.conninfo(name)
