"""helm's bookkeeping for an installed chart: the release record and the Secret that stores it."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from aoi.twin.apps.objects import b64, object_meta
from aoi.twin.apps.spec import (
    HelmRelease,
)
from aoi.twin.cluster.clock import parse_rfc3339
from aoi.twin.cluster.store import Obj

HELM_RELEASE_TYPE = "helm.sh/release.v1"


def helm_release_payload(release: HelmRelease, namespace: str, created: str) -> dict[str, Any]:
    """The release record helm stores (what `helm get values`, `history` and `status` read)."""
    moment = parse_rfc3339(created).strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
    return {
        "name": release.release,
        "info": {
            "first_deployed": moment,
            "last_deployed": moment,
            "deleted": "",
            "description": release.description,
            "status": release.status,
        },
        "chart": {
            "metadata": {
                "name": release.chart,
                "version": release.chart_version,
                "appVersion": release.app_version,
                "apiVersion": "v2",
                "type": "application",
            },
            "lock": None,
            "templates": [],
            "values": {},
            "schema": None,
            "files": [],
        },
        "config": release.values,
        "manifest": "",
        "version": release.revision,
        "namespace": namespace,
    }


def helm_release_secret(release: HelmRelease, namespace: str, created: str) -> Obj:
    """`sh.helm.release.v1.<release>.v<N>`: helm's storage driver record, encoded as helm encodes it."""
    payload = helm_release_payload(release, namespace, created)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    packed = base64.b64encode(gzip.compress(raw, mtime=0))
    modified = int(parse_rfc3339(created).timestamp())
    labels = {
        "modifiedAt": str(modified),
        "name": release.release,
        "owner": "helm",
        "status": release.status,
        "version": str(release.revision),
    }
    name = f"sh.helm.release.v1.{release.release}.v{release.revision}"
    return {
        "kind": "Secret",
        "metadata": object_meta(name, namespace, labels),
        "data": {"release": b64(packed)},
        "type": HELM_RELEASE_TYPE,
    }


def decode_helm_release(secret: Obj) -> dict[str, Any]:
    """The release record inside a helm release Secret."""
    packed = base64.b64decode(secret["data"]["release"])
    data: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(packed)))
    return data
