"""Writes to workloads on the twin: scale, set, rollout, delete, and the repairs of issue 3."""

from __future__ import annotations

import pytest

from aoi.twin.core import Twin

HOTEL = "test-hotel-reservation"
SOCIAL = "test-social-network"


@pytest.fixture(name="hotel")
def hotel_fixture() -> Twin:
    return Twin("hotel-reservation", seed=1)


@pytest.fixture(name="social")
def social_fixture() -> Twin:
    return Twin("social-network", seed=1)


def pod_names(twin: Twin, ns: str, selector: str) -> list[str]:
    text = twin.run(f"kubectl get pods -n {ns} -l {selector} -o name").stdout
    return [line.removeprefix("pod/") for line in text.split()]


def jsonpath(twin: Twin, what: str, ns: str, path: str) -> str:
    return twin.run(f"kubectl get {what} -n {ns} -o jsonpath='{{{path}}}'").stdout


# --- scale ------------------------------------------------------------------------------------
def test_scale_to_zero_removes_pods_and_back_brings_a_new_one(social: Twin) -> None:
    before = pod_names(social, SOCIAL, "service=user-service")
    assert len(before) == 1
    down = social.run(f"kubectl scale deployment user-service -n {SOCIAL} --replicas=0")
    assert down.stdout == "deployment.apps/user-service scaled\n"
    empty = social.run(f"kubectl get pods -n {SOCIAL} -l service=user-service")
    assert empty.stderr == f"No resources found in {SOCIAL} namespace.\n"
    assert (
        social.run(f"kubectl get deploy user-service -n {SOCIAL}").stdout.split("\n")[1].split()[1]
        == "0/0"
    )
    up = social.run(f"kubectl scale deploy/user-service -n {SOCIAL} --replicas=1")
    assert up.stdout == "deployment.apps/user-service scaled\n"
    after = pod_names(social, SOCIAL, "service=user-service")
    assert len(after) == 1 and after != before
    social.tick(30)
    assert "Running" in social.run(f"kubectl get pod {after[0]} -n {SOCIAL}").stdout


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("kubectl scale deploy user-service -n NS", 'error: required flag(s) "replicas" not set\n'),
        (
            "kubectl scale deploy user-service -n NS --replicas=-1",
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n",
        ),
        (
            "kubectl scale deploy nope -n NS --replicas=1",
            'Error from server (NotFound): deployments.apps "nope" not found\n',
        ),
        (
            "kubectl scale deploy user-service -n NS --replicas=2 --current-replicas=3",
            "error: Expected replicas to be 3, was 1\n",
        ),
        (
            "kubectl scale deploy -n NS --replicas=2",
            "error: resource(s) were provided, but no name was specified\n",
        ),
    ],
)
def test_scale_errors(social: Twin, command: str, message: str) -> None:
    result = social.run(command.replace("NS", SOCIAL))
    assert (result.stderr, result.exit_code) == (message, 1)


# --- set ---------------------------------------------------------------------------------------
def test_set_image_rolls_out_new_pods(hotel: Twin) -> None:
    hotel.run(f"kubectl set image deployment/geo hotel-reserv-geo=yinfangchen/geo:app3 -n {HOTEL}")
    old = pod_names(hotel, HOTEL, "io.kompose.service=geo")
    fixed = hotel.run(
        f"kubectl set image deployment/geo hotel-reserv-geo=yinfangchen/hotelreservation:latest -n {HOTEL}"
    )
    assert fixed.stdout == "deployment.apps/geo image updated\n"
    assert jsonpath(hotel, "deploy geo", HOTEL, ".spec.template.spec.containers[0].image") == (
        "yinfangchen/hotelreservation:latest"
    )
    new = pod_names(hotel, HOTEL, "io.kompose.service=geo")
    assert len(new) == 1 and new != old
    # the fix returns to the first ReplicaSet: it takes the replicas, the buggy one scales to zero
    sets = hotel.run(f"kubectl get rs -n {HOTEL} -l io.kompose.service=geo --no-headers").stdout
    assert sorted(line.split()[1] for line in sets.splitlines()) == ["0", "1"]
    status = hotel.run(f"kubectl rollout status deployment/geo -n {HOTEL}")
    assert status.stdout.endswith('deployment "geo" successfully rolled out\n')


def test_set_env_and_resources(hotel: Twin) -> None:
    env = hotel.run(f"kubectl set env deployment/geo -n {HOTEL} LOG_LEVEL=debug")
    assert env.stdout == "deployment.apps/geo env updated\n"
    listed = hotel.run(f"kubectl set env deployment/geo -n {HOTEL} --list").stdout
    assert "# deployment/geo, container hotel-reserv-geo\n" in listed
    assert "LOG_LEVEL=debug\n" in listed
    removed = hotel.run(f"kubectl set env deployment/geo -n {HOTEL} LOG_LEVEL-")
    assert removed.stdout == "deployment.apps/geo env updated\n"
    assert "LOG_LEVEL" not in hotel.run(f"kubectl set env deployment/geo -n {HOTEL} --list").stdout
    res = hotel.run(f"kubectl set resources deployment geo -n {HOTEL} --limits=cpu=2,memory=512Mi")
    assert res.stdout == "deployment.apps/geo resource requirements updated\n"
    assert (
        jsonpath(
            hotel, "deploy geo", HOTEL, ".spec.template.spec.containers[0].resources.limits.memory"
        )
        == "512Mi"
    )


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            "kubectl set image deployment/geo nope=x -n NS",
            'error: unable to find container named "nope"\n',
        ),
        (
            "kubectl set image deployment/geo -n NS",
            "error: at least one image update is required\n",
        ),
        (
            "kubectl set env deployment/geo -n NS",
            "error: at least one environment variable must be provided\n",
        ),
        (
            "kubectl set resources deployment/geo -n NS",
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)\n",
        ),
        (
            "kubectl set resources deployment/geo -n NS --requests=cpu=3",
            'The Deployment "geo" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "3": must be less than or equal to cpu limit of 1000m\n',
        ),
    ],
)
def test_set_errors(hotel: Twin, command: str, message: str) -> None:
    result = hotel.run(command.replace("NS", HOTEL))
    assert (result.stderr, result.exit_code) == (message, 1)


# --- rollout -------------------------------------------------------------------------------------
def test_rollout_restart_makes_new_pods_and_status_waits(hotel: Twin) -> None:
    before = pod_names(hotel, HOTEL, "io.kompose.service=geo")
    restart = hotel.run(f"kubectl rollout restart deployment/geo -n {HOTEL}")
    assert restart.stdout == "deployment.apps/geo restarted\n"
    status = hotel.run(f"kubectl rollout status deployment/geo -n {HOTEL}")
    assert status.stdout == (
        # a rolling update keeps the old pod until the new one is ready (kubectl's message order)
        'Waiting for deployment "geo" rollout to finish: 1 old replicas are pending termination...\n'
        'deployment "geo" successfully rolled out\n'
    )
    assert status.exit_code == 0
    annotations = hotel.run(f"kubectl get deploy geo -n {HOTEL} -o yaml").stdout
    assert "kubectl.kubernetes.io/restartedAt:" in annotations
    after = pod_names(hotel, HOTEL, "io.kompose.service=geo")
    assert len(after) == 1 and after != before


def test_rollout_history_and_undo(hotel: Twin) -> None:
    history = hotel.run(f"kubectl rollout history deployment/geo -n {HOTEL}")
    assert history.stdout == "deployment.apps/geo \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"
    none = hotel.run(f"kubectl rollout undo deployment/geo -n {HOTEL}")
    assert (none.stderr, none.exit_code) == (
        'error: no rollout history found for deployment "geo"\n',
        1,
    )
    hotel.run(f"kubectl set image deployment/geo hotel-reserv-geo=yinfangchen/geo:app3 -n {HOTEL}")
    hotel.run(f"kubectl annotate deployment/geo -n {HOTEL} kubernetes.io/change-cause='bad image'")
    history = hotel.run(f"kubectl rollout history deploy geo -n {HOTEL}")
    assert history.stdout == (
        "deployment.apps/geo \nREVISION  CHANGE-CAUSE\n1         <none>\n2         bad image\n\n"
    )
    undo = hotel.run(f"kubectl rollout undo deployment/geo -n {HOTEL}")
    assert undo.stdout == "deployment.apps/geo rolled back\n"
    assert jsonpath(hotel, "deploy geo", HOTEL, ".spec.template.spec.containers[0].image") == (
        "yinfangchen/hotelreservation:latest"
    )
    history = hotel.run(f"kubectl rollout history deploy geo -n {HOTEL}")
    # the reused ReplicaSet is revision 3 now, and takes the Deployment's change-cause
    assert history.stdout.splitlines()[2:4] == ["2         bad image", "3         bad image"]
    missing = hotel.run(f"kubectl rollout undo deployment/geo -n {HOTEL} --to-revision=7")
    assert missing.stderr == "error: unable to find specified revision 7 in history\n"
    detail = hotel.run(f"kubectl rollout history deployment/geo -n {HOTEL} --revision=2")
    assert detail.stdout.startswith("deployment.apps/geo with revision #2\nPod Template:\n")
    assert "yinfangchen/geo:app3" in detail.stdout


def test_rollout_status_times_out_on_an_unschedulable_pod(hotel: Twin) -> None:
    hotel.run(
        f"""kubectl patch deployment geo -n {HOTEL} -p '{{"spec":{{"template":{{"spec":{{"nodeSelector":{{"kubernetes.io/hostname":"extra-node"}}}}}}}}}}'"""
    )
    status = hotel.run(f"kubectl rollout status deployment/geo -n {HOTEL} --timeout=20s")
    assert status.stdout == ""
    assert status.stderr == (
        'Waiting for deployment "geo" rollout to finish: 1 old replicas are pending termination...\n'
        "error: timed out waiting for the condition\n"
    )
    listing = hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo").stdout
    assert "Pending" in listing
    assert "1/1     Running" in listing  # the old pod keeps serving during the stuck rollout
    fixed = hotel.run(
        f"""kubectl patch deployment geo -n {HOTEL} -p '{{"spec":{{"template":{{"spec":{{"nodeSelector":null}}}}}}}}'"""
    )
    assert fixed.stdout == "deployment.apps/geo patched\n"
    assert hotel.run(f"kubectl rollout status deployment/geo -n {HOTEL}").exit_code == 0
    pods = hotel.run(
        f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo --no-headers"
    ).stdout.splitlines()
    assert len(pods) == 1 and "Running" in pods[0]


def test_rollout_pause_resume_and_errors(hotel: Twin) -> None:
    assert (
        hotel.run(f"kubectl rollout pause deployment/geo -n {HOTEL}").stdout
        == "deployment.apps/geo paused\n"
    )
    restart = hotel.run(f"kubectl rollout restart deployment/geo -n {HOTEL}")
    assert restart.stderr == (
        'error: deployments.apps "geo" can\'t restart paused deployment (run rollout resume first)\n'
    )
    assert (
        hotel.run(f"kubectl rollout resume deployment/geo -n {HOTEL}").stdout
        == "deployment.apps/geo resumed\n"
    )
    again = hotel.run(f"kubectl rollout resume deployment/geo -n {HOTEL}")
    assert again.stderr == 'error: deployments.apps "geo" is not paused\n'
    svc = hotel.run(f"kubectl rollout restart svc/geo -n {HOTEL}")
    assert svc.stderr == 'error: services "geo" restarting is not supported\n'


# --- delete ----------------------------------------------------------------------------------------
def test_delete_pod_gets_a_replacement(hotel: Twin) -> None:
    (old,) = pod_names(hotel, HOTEL, "io.kompose.service=geo")
    deleted = hotel.run(f"kubectl delete pod {old} -n {HOTEL}")
    assert deleted.stdout == f'pod "{old}" deleted\n'
    (new,) = pod_names(hotel, HOTEL, "io.kompose.service=geo")
    assert new != old and new.rsplit("-", 1)[0] == old.rsplit("-", 1)[0]
    missing = hotel.run(f"kubectl delete pod {old} -n {HOTEL}")
    assert (missing.stderr, missing.exit_code) == (
        f'Error from server (NotFound): pods "{old}" not found\n',
        1,
    )
    assert hotel.run(f"kubectl delete pod {old} -n {HOTEL} --ignore-not-found").exit_code == 0


def test_delete_deployment_cascades(hotel: Twin) -> None:
    result = hotel.run(f"kubectl delete deployment geo -n {HOTEL}")
    assert result.stdout == 'deployment.apps "geo" deleted\n'
    left = hotel.run(f"kubectl get rs,pods -n {HOTEL} -l io.kompose.service=geo")
    assert left.stderr == f"No resources found in {HOTEL} namespace.\n"


def test_delete_force_and_dry_run(hotel: Twin) -> None:
    (name,) = pod_names(hotel, HOTEL, "io.kompose.service=geo")
    dry = hotel.run(f"kubectl delete pod {name} -n {HOTEL} --dry-run=client")
    assert dry.stdout == f'pod "{name}" deleted (dry run)\n'
    assert pod_names(hotel, HOTEL, "io.kompose.service=geo") == [name]
    forced = hotel.run(f"kubectl delete pod {name} -n {HOTEL} --grace-period=0 --force")
    assert forced.stdout == f'pod "{name}" force deleted\n'
    assert forced.stderr.startswith("Warning: Immediate deletion does not wait")


def test_delete_errors(hotel: Twin) -> None:
    none = hotel.run("kubectl delete")
    assert none.stderr.startswith(
        "error: You must provide one or more resources by argument or filename.\n"
    )
    protected = hotel.run("kubectl delete namespace kube-system")
    assert protected.stderr == (
        'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted\n'
    )
