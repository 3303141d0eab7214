"""The kubelet's image manager: which images each node holds, and pulling the others.

A node starts with the images its kind node image was built with and those the
cluster's workloads ran when they came up; any other image is pulled the first
time a pod on that node needs it (`IfNotPresent`), and on every start under
`Always`. Pulls are serialised per node (the kubelet's default
`serializeImagePulls`), so a pull waits for the ones before it, and the kubelet's
Pulled event says both how long the pull took and how long it waited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# containerd's transfer rate from a public registry to a kind node (447 MB in ~60 s)
PULL_BYTES_PER_SECOND = 7.5e6
# a pull whose layers are all present only resolves the manifest
MANIFEST_SECONDS = 0.35


def normal_ref(image: str) -> str:
    """An image reference as containerd names it: registry, repository and tag in full."""
    ref = image.split("@", 1)[0]
    slash, colon = ref.rfind("/"), ref.rfind(":")
    if colon <= slash:
        ref = f"{ref}:latest"
    first = ref.split("/", 1)[0]
    if "/" not in ref:
        return f"docker.io/library/{ref}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{ref}"
    return ref


def go_seconds(seconds: float) -> str:
    """A pull's duration as the kubelet prints it (Go's Duration rounded: 369ms, 59.837s)."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    if seconds < 60:
        return f"{text}s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.3f}".rstrip("0").rstrip(".") + "s"


@dataclass(slots=True)
class Pull:
    """What the kubelet does before it creates a container: its events and when it may start."""

    events: list[tuple[str, str, str, datetime]]
    ready: datetime


@dataclass(slots=True)
class ImageManager:
    """Every node's images and its pull queue."""

    present: dict[str, set[str]] = field(default_factory=dict)
    busy_until: dict[str, datetime] = field(default_factory=dict)

    def hold(self, node: str, images: set[str] | list[str]) -> None:
        """Images the node holds already (its node image, earlier pulls)."""
        self.present.setdefault(node, set()).update(normal_ref(i) for i in images)

    def ensure(self, node: str, image: str, policy: str, at: datetime, size: int | None) -> Pull:
        """Make `image` present on `node` for a container starting at `at`.

        `size` is the image's size in the registry (None: the registry has no such
        image, and the runtime's start reports the failed pull).
        """
        ref = normal_ref(image)
        held = ref in self.present.get(node, set())
        if policy == "Never" or (held and policy != "Always"):
            message = f'Container image "{image}" already present on machine'
            return Pull([("Pulled", message, "Normal", at)], at)
        events = [("Pulling", f'Pulling image "{image}"', "Normal", at)]
        if size is None:
            return Pull(events, at)
        took = MANIFEST_SECONDS if held else size / PULL_BYTES_PER_SECOND
        took *= 1.0 + 0.1 * _unit(f"{image}@{at.isoformat()}")
        begin = max(at, self.busy_until.get(node, at))
        done = begin + timedelta(seconds=took)
        self.busy_until[node] = done
        waited = (done - at).total_seconds()
        message = (
            f'Successfully pulled image "{image}" in {go_seconds(took)} '
            f"({go_seconds(waited)} including waiting). Image size: {size} bytes."
        )
        events.append(("Pulled", message, "Normal", done))
        self.present.setdefault(node, set()).add(ref)
        return Pull(events, done)


def _unit(text: str) -> float:
    """A number in [0, 1) fixed by `text` (pull times vary without drawing on the twin's rng)."""
    return int(hashlib.blake2b(text.encode(), digest_size=4).hexdigest(), 16) / 2**32
