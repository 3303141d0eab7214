"""AstronomyShop faults: flagd feature flags switched on in the flagd-config ConfigMap."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aoi.twin.behaviour.effects import FLAG_CONFIGMAP, FLAG_KEY
from aoi.twin.cluster.clock import rfc3339
from aoi.twin.faults import injector

if TYPE_CHECKING:
    from aoi.twin.core import Twin

FLAG_FAMILIES = (
    "astronomy_shop_ad_service_failure",
    "astronomy_shop_ad_service_high_cpu",
    "astronomy_shop_ad_service_manual_gc",
    "astronomy_shop_cart_service_failure",
    "astronomy_shop_image_slow_load",
    "astronomy_shop_kafka_queue_problems",
    "astronomy_shop_loadgenerator_flood_homepage",
    "astronomy_shop_payment_service_failure",
    "astronomy_shop_payment_service_unreachable",
    "astronomy_shop_product_catalog_service_failure",
    "astronomy_shop_recommendation_service_cache_failure",
)


@injector(*FLAG_FAMILIES)
def set_flag(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """Edit defaultVariant of the flag in the ConfigMap, then restart flagd (as AIOpsLab does)."""
    flag = str(params["flag"])
    variant = str(params.get("variant", "on"))
    cm = twin.store.get("ConfigMap", ns, FLAG_CONFIGMAP)
    if cm is None:
        raise LookupError(f"configmap {ns}/{FLAG_CONFIGMAP} does not exist")
    doc = json.loads(cm["data"][FLAG_KEY])
    entry = doc["flags"][flag]
    if variant not in entry.get("variants", {}):
        raise ValueError(f"flag {flag} has no variant {variant!r}")
    entry["defaultVariant"] = variant
    cm["data"][FLAG_KEY] = json.dumps(doc, indent=2) + "\n"
    twin.store.touch(cm)
    flagd = twin.store.get("Deployment", ns, "flagd")
    if flagd is not None:
        annotations = (
            flagd["spec"]["template"].setdefault("metadata", {}).setdefault("annotations", {})
        )
        annotations["kubectl.kubernetes.io/restartedAt"] = rfc3339(twin.clock.now())
        flagd["metadata"]["generation"] = flagd["metadata"].get("generation", 1) + 1
        twin.store.touch(flagd)
