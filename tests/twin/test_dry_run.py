"""Every write the twin supports, run with --dry-run, leaves a fresh twin as it was.

Each command is first run for real on a fresh twin, where it must succeed and
change something (so a dry run that does nothing cannot pass by failing); then
on another fresh twin with each spelling of a dry run kubectl or helm accepts,
where it must succeed and change nothing: objects (status included), MongoDB
users and roles, Helm releases (stored as Secrets). (Each command moves the
simulated clock; a healthy twin's objects do not change with it.)
"""

from __future__ import annotations

import json

import pytest

from aoi.twin.core import Twin
from aoi.twin.surface.helm import writes as helm_writes
from aoi.twin.surface.kubectl.writes import HANDLERS

H = "test-hotel-reservation"
NODE = "kind-worker"
_CM = f"kubectl create configmap dry-cm --from-literal=a=b -n {H} --dry-run=client -o yaml"
_LABELLED = f"kubectl label deployment geo -n {H} dry=run --dry-run=client -o yaml"

# verb -> real writes; `{dry}` marks where the dry-run flag goes
KUBECTL_WRITES: dict[str, list[str]] = {
    "annotate": [f"kubectl annotate deployment geo -n {H} note=x {{dry}}"],
    "apply": [f"{_CM} | kubectl apply -f - {{dry}}", f"{_LABELLED} | kubectl apply -f - {{dry}}"],
    "cordon": [f"kubectl cordon {NODE} {{dry}}"],
    "create": [
        f"kubectl create configmap dry-cm --from-literal=a=b -n {H} {{dry}}",
        f"kubectl create deployment dry-dep --image=nginx -n {H} {{dry}}",
        f"kubectl create secret generic dry-secret --from-literal=p=q -n {H} {{dry}}",
        "kubectl create namespace dry-ns {dry}",
        f"kubectl create service clusterip dry-svc --tcp=80:80 -n {H} {{dry}}",
        f"kubectl create serviceaccount dry-sa -n {H} {{dry}}",
        f"kubectl create job dry-job --image=busybox -n {H} {{dry}}",
        f"{_CM} | kubectl create -f - {{dry}}",
    ],
    "delete": [
        f"kubectl delete deployment geo -n {H} {{dry}}",
        f"kubectl delete pods --all -n {H} {{dry}}",
        f"kubectl delete service geo -n {H} {{dry}}",
        f"kubectl delete namespace {H} {{dry}}",
    ],
    "drain": [f"kubectl drain {NODE} --ignore-daemonsets --delete-emptydir-data --force {{dry}}"],
    "label": [f"kubectl label pods --all -n {H} dry=run {{dry}}"],
    "patch": [
        f'kubectl patch deployment geo -n {H} -p \'{{{{"spec":{{{{"replicas":3}}}}}}}}\' {{dry}}',
        f"kubectl patch service geo -n {H} --type=json "
        f'-p \'[{{{{"op":"replace","path":"/spec/ports/0/targetPort","value":9999}}}}]\' {{dry}}',
    ],
    "replace": [f"{_LABELLED} | kubectl replace -f - {{dry}}"],
    "run": [f"kubectl run dry-pod --image=busybox -n {H} {{dry}} -- sleep 60"],
    "rollout": [
        f"kubectl rollout restart deployment/geo -n {H} {{dry}}",
        f"kubectl rollout pause deployment/geo -n {H} {{dry}}",
        f"kubectl rollout resume deployment/geo -n {H} {{dry}}",
        f"kubectl rollout undo deployment/geo -n {H} {{dry}}",
    ],
    "scale": [
        f"kubectl scale deployment geo -n {H} --replicas=0 {{dry}}",
        f"kubectl scale deployment --all -n {H} --replicas=2 {{dry}}",
    ],
    "set": [
        f"kubectl set image deployment/geo -n {H} hotel-reserv-geo=busybox {{dry}}",
        f"kubectl set env deployment/geo -n {H} DRY=1 {{dry}}",
        f"kubectl set resources deployment geo -n {H} --limits=cpu=200m {{dry}}",
    ],
    "taint": [f"kubectl taint nodes {NODE} dry=run:NoSchedule {{dry}}"],
    "uncordon": [f"kubectl uncordon {NODE} {{dry}}"],
}
# commands that need an earlier real write (made on both twins before the command)
SETUP = {
    f"kubectl uncordon {NODE} {{dry}}": f"kubectl cordon {NODE}",
    f"kubectl rollout resume deployment/geo -n {H} {{dry}}": (
        f"kubectl rollout pause deployment/geo -n {H}"
    ),
    f"kubectl rollout undo deployment/geo -n {H} {{dry}}": (
        f"kubectl set image deployment/geo -n {H} hotel-reserv-geo=busybox"
    ),
}
KUBECTL_DRY = ["--dry-run=client", "--dry-run=server", "--dry-run", "--dry-run=T"]

UPGRADE = (
    "helm upgrade prometheus prometheus-community/prometheus -n observe --reuse-values "
    "--set server.retention=2d"
)
HELM_WRITES = {
    "upgrade": [f"{UPGRADE} {{dry}}", f"{UPGRADE} --set server.replicaCount=2 {{dry}}"],
    "rollback": ["helm rollback prometheus 1 -n observe {dry}"],
}
HELM_DRY = ["--dry-run", "--dry-run=client", "--dry-run=server", "--dry-run=true", "--dry-run=1"]


def _state(twin: Twin) -> str:
    objects = sorted(json.dumps(obj, sort_keys=True, default=str) for obj in twin.store.all())
    users = {
        f"{ns}/{server}": sorted(
            [u.db, u.user, u.password, sorted(u.roles)] for u in state.users.values()
        )
        for (ns, server), state in twin.mongo.items()
    }
    return json.dumps([objects, users], sort_keys=True, default=str)


def _fresh() -> Twin:
    twin = Twin.fresh("hotel-reservation", seed=3)
    # a second helm revision, so that a rollback has somewhere to go
    assert twin.run(UPGRADE).exit_code == 0
    return twin


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for verb, commands in KUBECTL_WRITES.items():
        for command in commands:
            cases += [(verb, command, dry) for dry in KUBECTL_DRY]
    for verb, commands in HELM_WRITES.items():
        for command in commands:
            cases += [(f"helm {verb}", command, dry) for dry in HELM_DRY]
    return cases


def test_every_write_verb_of_the_twin_has_dry_run_cases() -> None:
    assert set(KUBECTL_WRITES) == set(HANDLERS)
    helm_verbs = {name.removeprefix("cmd_") for name in dir(helm_writes) if name.startswith("cmd_")}
    assert set(HELM_WRITES) == helm_verbs


@pytest.mark.parametrize(("verb", "command", "dry"), _cases())
def test_a_dry_run_changes_nothing(verb: str, command: str, dry: str) -> None:
    setup = SETUP.get(command)
    real = _fresh()
    if setup:
        assert real.run(setup).exit_code == 0
        real.tick(600)  # let a rollout the setup started finish
    before = _state(real)
    done = real.run(command.format(dry=""))
    assert done.exit_code == 0, done.stderr
    assert _state(real) != before, f"{command!r} without a dry run should change the twin"

    twin = _fresh()
    if setup:
        assert twin.run(setup).exit_code == 0
        twin.tick(600)
    before = _state(twin)
    dry_run = twin.run(command.format(dry=dry))
    assert dry_run.exit_code == 0, dry_run.stderr
    assert _state(twin) == before, f"{command.format(dry=dry)!r} changed the twin"


@pytest.mark.parametrize("where", ["before the verb", "repeated, the last wins"])
def test_a_dry_run_flag_anywhere_counts_and_the_last_value_wins(where: str) -> None:
    twin = _fresh()
    before = _state(twin)
    if where == "before the verb":
        command = f"kubectl -n {H} --dry-run=server delete deployment geo"
    else:
        command = f"kubectl delete deployment geo -n {H} --dry-run=none --dry-run=client"
    assert twin.run(command).exit_code == 0
    assert _state(twin) == before
    # and a last value that is not a dry run is a real delete
    twin.run(f"kubectl delete deployment geo -n {H} --dry-run=client --dry-run=none")
    assert _state(twin) != before
