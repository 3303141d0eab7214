"""Faults in MongoDB: revoked roles, dropped users, TLS required through Helm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aoi.twin.faults import injector

if TYPE_CHECKING:
    from aoi.twin.core import Twin


def _delete_pods_of(twin: Twin, ns: str, service: str) -> None:
    """`kubectl delete pod -l <label>=<service>`: the ReplicaSet brings a new one."""
    app = twin.app_for(ns)
    label = app.log_label if app else "app"
    for pod in twin.store.list("Pod", ns, {label: service}):
        twin.controller.delete_pod(pod, twin.clock.now())


@injector("revoke_auth_mongodb")
def revoke_role(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """db.revokeRolesFromUser('admin', [{role: 'readWrite', db: DB}]), then the client pod is deleted."""
    assert target is not None
    state = twin.mongo[(ns, target)]
    user = state.find_user(str(params.get("user", "admin")))
    if user is not None:
        database = str(params.get("database", ""))
        role = str(params.get("role", "readWrite"))
        user.roles = [(r, db) for r, db in user.roles if not (r == role and db == database)]
    _delete_pods_of(twin, ns, str(params.get("client", target.removeprefix("mongodb-"))))


@injector("user_unregistered_mongodb")
def drop_user(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """db.dropUser('admin'), then the client pod is deleted."""
    assert target is not None
    state = twin.mongo[(ns, target)]
    state.users.pop(("admin", str(params.get("user", "admin"))), None)
    _delete_pods_of(twin, ns, str(params.get("client", target.removeprefix("mongodb-"))))


@injector("auth_miss_mongodb")
def require_tls(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """`helm upgrade` of the release with the mongod's TLS mode set to requireTLS; pods restart."""
    assert target is not None
    app = twin.app_for(ns)
    assert app is not None and app.helm is not None
    mode = str(params.get("tls_mode", "requireTLS"))
    result = twin.run(
        f"helm upgrade {app.helm.release} ./socialnetwork -n {ns} --reuse-values "
        f"--set {target}.tls.mode={mode}"
    )
    if result.exit_code != 0:
        raise RuntimeError(f"helm upgrade failed while injecting: {result.output}")
    for client in params.get("clients", []):
        _delete_pods_of(twin, ns, str(client))
