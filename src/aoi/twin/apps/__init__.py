"""The three AIOpsLab applications and the kind cluster, as data files.

Files are YAML validated by `aoi.twin.apps.spec`. Top-level keys starting with `x-`
hold shared fragments (YAML anchors) and are dropped before validation.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from aoi.twin.apps.spec import App, Cluster

APP_KEYS: tuple[str, ...] = ("hotel-reservation", "social-network", "astronomy-shop")

_FILES = {
    "hotel-reservation": "hotel_reservation.yaml",
    "social-network": "social_network.yaml",
    "astronomy-shop": "astronomy_shop.yaml",
}

_ALIASES = {
    "hotel": "hotel-reservation",
    "hotelreservation": "hotel-reservation",
    "hotel_reservation": "hotel-reservation",
    "social": "social-network",
    "socialnetwork": "social-network",
    "social_network": "social-network",
    "astronomy": "astronomy-shop",
    "astronomyshop": "astronomy-shop",
    "astronomy_shop": "astronomy-shop",
    "otel-demo": "astronomy-shop",
    "opentelemetry-demo": "astronomy-shop",
}


def app_key(name: str) -> str:
    """The canonical key of an application name or alias; ValueError names the known keys."""
    text = name.strip().lower()
    key = text if text in _FILES else _ALIASES.get(text)
    if key is None:
        raise ValueError(f"unknown application {name!r}; known: {', '.join(APP_KEYS)}")
    return key


def _read(filename: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise ValueError(f"{filename}: expected a mapping at the top level")
    return {k: v for k, v in data.items() if not str(k).startswith("x-")}


@cache
def load_app(name: str) -> App:
    """The application with this key or alias (hotel, social, astronomy, otel-demo, ...)."""
    key = app_key(name)
    if key != name:
        return load_app(key)
    return App.model_validate(_read(_FILES[key]))


@cache
def load_cluster() -> Cluster:
    """The two-node kind cluster and its infrastructure namespaces."""
    return Cluster.model_validate(_read("cluster.yaml"))
