"""Served twins for the API server's tests: free loopback ports, bounded start, always stopped."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from aoi.apiserver.clients import Kubectl, kubectl_path
from aoi.apiserver.serve import Served, serving
from aoi.twin.core import Twin


@pytest.fixture(scope="module")
def hotel() -> Iterator[Served]:
    """A still hotel-reservation twin served for a whole test module (reads only)."""
    with serving(Twin.fresh("hotel-reservation", 0), clock="still") as served:
        yield served


@pytest.fixture(scope="module")
def kubectl(hotel: Served, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    if kubectl_path() is None:
        pytest.skip("the kubectl binary is not on PATH")
    return Kubectl(hotel, tmp_path_factory.mktemp("kubectl"))


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Callable[..., tuple[Twin, Kubectl]]]:
    """Serve a new twin per call (for tests that write); all stopped when the test ends."""
    with contextlib.ExitStack() as stack:

        def start(
            app: str = "hotel-reservation", seed: int = 0, clock: str = "still"
        ) -> tuple[Twin, Kubectl]:
            if kubectl_path() is None:
                pytest.skip("the kubectl binary is not on PATH")
            twin = Twin.fresh(app, seed)
            served = stack.enter_context(serving(twin, clock=clock))
            return twin, Kubectl(served, tmp_path / f"kubectl-{served.port}")

        yield start
