"""TwinEnvironment: every AIOpsLab task resets, can be solved, and is scored as AIOpsLab scores it."""

from __future__ import annotations

import pytest

from aoi.catalog import Task, TaskType, get_task, list_tasks
from aoi.envs import Action, EnvironmentStateError
from aoi.envs.twin import TwinEnvironment

HR = "test-hotel-reservation"
SN = "test-social-network"

# What an SRE would type to repair each mitigation task, as a sequence of commands.
REPAIRS: dict[str, list[str]] = {
    "k8s_target_port-misconfig-mitigation-1": [
        f"kubectl patch service user-service -n {SN} --type=json -p "
        '\'[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]\''
    ],
    "k8s_target_port-misconfig-mitigation-2": [
        f'kubectl patch svc text-service -n {SN} -p \'{{"spec":{{"ports":[{{"port":9090,"targetPort":9090}}]}}}}\''
    ],
    "k8s_target_port-misconfig-mitigation-3": [
        f"kubectl patch service post-storage-service -n {SN} --type=json -p "
        '\'[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]\''
    ],
    "auth_miss_mongodb-mitigation-1": [
        f"helm upgrade social-network ./socialnetwork -n {SN} --reuse-values --set url-shorten-mongodb.tls.mode=disabled",
        f"kubectl rollout restart deployment url-shorten-service -n {SN}",
    ],
    "revoke_auth_mongodb-mitigation-1": [
        f"kubectl exec deploy/mongodb-geo -n {HR} -- mongo admin -u root -p root --authenticationDatabase admin "
        "--eval \"db.grantRolesToUser('admin', [{role: 'readWrite', db: 'geo-db'}])\"",
        f"kubectl delete pod -n {HR} -l io.kompose.service=geo",
    ],
    "revoke_auth_mongodb-mitigation-2": [
        f"kubectl exec deploy/mongodb-rate -n {HR} -- mongo admin -u root -p root --authenticationDatabase admin "
        "--eval \"db.grantRolesToUser('admin', [{role: 'readWrite', db: 'rate-db'}])\"",
        f"kubectl delete pod -n {HR} -l io.kompose.service=rate",
    ],
    "user_unregistered_mongodb-mitigation-1": [
        f"kubectl exec deploy/mongodb-geo -n {HR} -- mongo admin -u root -p root --authenticationDatabase admin "
        "--eval \"db.createUser({user: 'admin', pwd: 'admin', roles: [{role: 'userAdminAnyDatabase', db: 'admin'}, {role: 'readWrite', db: 'geo-db'}]})\"",
        f"kubectl delete pod -n {HR} -l io.kompose.service=geo",
    ],
    "user_unregistered_mongodb-mitigation-2": [
        f"kubectl exec deploy/mongodb-rate -n {HR} -- mongo admin -u root -p root --authenticationDatabase admin "
        "--eval \"db.createUser({user: 'admin', pwd: 'admin', roles: [{role: 'userAdminAnyDatabase', db: 'admin'}, {role: 'readWrite', db: 'rate-db'}]})\"",
        f"kubectl delete pod -n {HR} -l io.kompose.service=rate",
    ],
    "misconfig_app_hotel_res-mitigation-1": [
        f"kubectl set image deployment/geo hotel-reserv-geo=yinfangchen/hotelreservation:latest -n {HR}"
    ],
    "scale_pod_zero_social_net-mitigation-1": [
        f"kubectl scale deployment user-service --replicas=1 -n {SN}"
    ],
    "assign_to_non_existent_node_social_net-mitigation-1": [
        f"kubectl patch deployment user-service -n {SN} --type=json -p "
        '\'[{"op":"remove","path":"/spec/template/spec/nodeSelector"}]\''
    ],
    "wrong_bin_usage-mitigation-1": [
        f"kubectl patch deployment profile -n {HR} --type=json -p "
        '\'[{"op":"replace","path":"/spec/template/spec/containers/0/command","value":["profile"]}]\''
    ],
    "redeploy_without_PV-mitigation-1": [
        *(
            f'kubectl patch pv {name}-pv -p \'{{"spec":{{"claimRef":null}}}}\''
            for name in ("geo", "profile", "rate", "recommendation", "reservation", "user")
        ),
        f"kubectl delete pods --all -n {HR}",
    ],
}

# Under AIOpsLab's own rule these pass without a repair (its known loophole); strict mode must not.
PASS_UNREPAIRED_UNDER_AIOPSLAB = {"auth_miss_mongodb-mitigation-1"}

WRONG = {
    TaskType.DETECTION: lambda t: "No" if t.truth.detection == "Yes" else "Yes",
    TaskType.LOCALIZATION: lambda t: ["jaeger"],
    TaskType.ANALYSIS: lambda t: {"system_level": "Hardware", "fault_type": "Code Defect"},
}


def right(task: Task) -> object:
    if task.type is TaskType.DETECTION:
        return task.truth.detection
    if task.type is TaskType.LOCALIZATION:
        return list(task.truth.localization)
    assert task.truth.analysis is not None
    return {
        "system_level": task.truth.analysis.system_level,
        "fault_type": task.truth.analysis.fault_type,
    }


MITIGATION = [t.id for t in list_tasks("mitigation")]
OTHERS = [t.id for t in list_tasks("all") if t.type is not TaskType.MITIGATION]


@pytest.fixture()
def env():
    environment = TwinEnvironment(step_seconds=5)
    yield environment
    environment.close()


def test_every_mitigation_task_has_a_repair() -> None:
    assert sorted(REPAIRS) == sorted(MITIGATION)


@pytest.mark.parametrize("task_id", MITIGATION)
def test_a_realistic_repair_scores_success(env: TwinEnvironment, task_id: str) -> None:
    env.reset(task_id, seed=3)
    for command in REPAIRS[task_id]:
        obs = env.act(Action.exec_shell(command))
        assert obs.exit_code == 0, f"{command}\n{obs.text}"
    env.act(Action.submit())
    outcome = env.evaluate()
    assert outcome.success, outcome.problems
    assert outcome.strict_success, outcome.problems


@pytest.mark.parametrize("task_id", MITIGATION)
def test_doing_nothing_fails(env: TwinEnvironment, task_id: str) -> None:
    env.reset(task_id, seed=3)
    env.act(Action.submit())
    outcome = env.evaluate()
    assert outcome.strict_success is False
    assert outcome.success is (task_id in PASS_UNREPAIRED_UNDER_AIOPSLAB)


@pytest.mark.parametrize(
    "task_id", ["scale_pod_zero_social_net-mitigation-1", "misconfig_app_hotel_res-mitigation-1"]
)
def test_deleting_the_workload_fails_in_strict_mode(task_id: str) -> None:
    env = TwinEnvironment(step_seconds=5, strict=True)
    task = get_task(task_id)
    env.reset(task_id, seed=3)
    env.act(Action.exec_shell(f"kubectl delete deployment {task.target} -n {task.namespace}"))
    env.act(Action.submit())
    assert env.evaluate().success is False


@pytest.mark.parametrize("task_id", OTHERS)
def test_right_answers_pass_and_wrong_answers_fail(env: TwinEnvironment, task_id: str) -> None:
    task = get_task(task_id)
    env.reset(task_id, seed=1)
    env.act(Action.submit(right(task)))
    assert env.evaluate().success
    env.reset(task_id, seed=1)
    env.act(Action.submit(WRONG[task.type](task)))
    assert not env.evaluate().success


@pytest.mark.parametrize(
    "task_id", ["revoke_auth_mongodb-localization-1", "user_unregistered_mongodb-localization-2"]
)
def test_mongodb_alias_passes(env: TwinEnvironment, task_id: str) -> None:
    env.reset(task_id, seed=1)
    env.act(Action.submit(get_task(task_id).truth.aliases[0]))
    assert env.evaluate().success


def test_raw_agent_text_is_parsed_with_aiopslab_rules(env: TwinEnvironment) -> None:
    env.reset("noop_detection_hotel_reservation-1", seed=1)
    obs = env.act(
        'I think so.\n```python\nexec_shell("kubectl get pods -n test-hotel-reservation")\n```'
    )
    assert "NAME" in obs.text and obs.exit_code == 0
    bad = env.act("no code block here")
    assert bad.verdict == "invalid"
    env.act('```\nsubmit(answer="No")\n```')
    assert env.evaluate().results.get("Detection Accuracy") == "Invalid Format"


def test_acting_before_reset_is_a_clear_error() -> None:
    with pytest.raises(EnvironmentStateError, match="reset"):
        TwinEnvironment().act(Action.exec_shell("kubectl get pods"))


def test_outcome_carries_aiopslab_fields(env: TwinEnvironment) -> None:
    env.reset("k8s_target_port-misconfig-detection-1", seed=2)
    env.act(Action.exec_shell("kubectl get pods -n test-social-network"))
    env.act(Action.submit("Yes"))
    outcome = env.evaluate()
    assert outcome.success and outcome.steps == 2
    assert outcome.results["TTD"] > 0
    assert outcome.seconds_to_submit == outcome.results["TTD"]


def test_read_apis_only_read_files_this_run_exported(env: TwinEnvironment) -> None:
    env.reset("noop_detection_hotel_reservation-1", seed=1)
    refused = env.act(Action(api="read_traces", args=("/etc/passwd",)))
    assert refused.exit_code == 1
    assert refused.text == "error: Traces file '/etc/passwd' not found."
    message = env.act(Action(api="get_traces", args=(HR, 5))).text
    path = (
        message.split()[-1]
        if message.strip().endswith(".csv")
        else next(w for w in message.split() if w.endswith(".csv"))
    )
    assert "trace_id" in env.act(Action(api="read_traces", args=(path,))).text
