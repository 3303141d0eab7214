"""Shared helpers for twin tests."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

kubernetes = pytest.importorskip("kubernetes")


def deserialize(doc: dict[str, Any], model: str) -> Any:
    """Deserialize a JSON document into a kubernetes client model (both client API generations)."""
    client = kubernetes.client.ApiClient()
    if "response_text" in inspect.signature(client.deserialize).parameters:
        return client.deserialize(json.dumps(doc), model, "application/json")

    class _Response:
        data = json.dumps(doc)

    return client.deserialize(_Response(), model)


def round_trip(doc: dict[str, Any], model: str) -> Any:
    client = kubernetes.client.ApiClient()
    return client.sanitize_for_serialization(deserialize(doc, model))


@pytest.fixture(name="round_trip")
def round_trip_fixture() -> Any:
    """The function that deserializes a document into a client model and serializes it back."""
    return round_trip
