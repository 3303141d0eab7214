"""Secrets masked by value: random secrets planted in the twin never come out, in any form.

The attack shapes are those that leaked before: jq @base64d / to_entries / split /
slices / explode|reverse|implode, jsonpath with `Secret` capitalised, awk fields,
grep -o, printenv, ConfigMaps holding passwords and connection strings.
"""

from __future__ import annotations

import base64
import json
import string
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aoi.agents.runtime import Runtime, RuntimeConfig
from aoi.agents.schema import Decision, NextAgent
from aoi.agents.subtasks import SubtaskQueue
from aoi.envs.twin import TwinEnvironment
from aoi.gate import Gate, Role, SecretValues
from aoi.trajectories import Step, TrajectoryStore

TASK = "noop_detection_hotel_reservation-1"
NS = "test-hotel-reservation"
SECRET = st.text(alphabet=string.ascii_letters + string.digits, min_size=12, max_size=40).filter(
    lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s)
)

ATTACKS = [
    "kubectl get secret app-creds -n {ns} -o json | jq -r '.data.password | @base64d'",
    "kubectl get secret app-creds -n {ns} -o json | jq '.data | to_entries'",
    "kubectl get secret app-creds -n {ns} -o json | jq -r '.data.password | @base64d | .[3:]'",
    "kubectl get secret app-creds -n {ns} -o json | jq -r '.data.password | @base64d | explode | reverse | implode'",
    "kubectl get secret app-creds -n {ns} -o json | jq -r '.data.password | @base64d | split(\"\")'",
    "kubectl get Secret app-creds -n {ns} -o jsonpath='{{.data.password}}'",
    "kubectl get secret app-creds -n {ns} -o yaml | awk '{{print $2}}'",
    "kubectl get secrets -n {ns} -o yaml",
    "kubectl get configmap app-config -n {ns} -o yaml",
    "kubectl get cm app-config -n {ns} -o json | jq -r '.data[\"db.conf\"]'",
    "kubectl get cm app-config -n {ns} -o json | jq -r '.data[\"db.conf\"]' | grep -o 'user:[^@]*'",
    "kubectl get cm app-config -n {ns} -o json | jq -r '.data.JWT_SECRET'",
    "kubectl get cm app-config -n {ns} -o json | jq -r '.data.JWT_SECRET | explode | reverse | implode'",
    "kubectl exec {pod} -n {ns} -- printenv DB_PASSWORD",
    "kubectl exec {pod} -n {ns} -- env",
    "kubectl get pods -n {ns} -o json | jq -r '.items[].spec.containers[].env[]?.value'",
    "kubectl describe cm app-config -n {ns}",
]


def plant(env: TwinEnvironment, password: str, db_pass: str, jwt: str) -> str:
    """A Secret, a ConfigMap (a connection string and a JWT key) and an env var; the pod name."""
    assert env.twin is not None
    store = env.twin.store
    store.add(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": {"name": "app-creds", "namespace": NS},
            "data": {"password": base64.b64encode(password.encode()).decode()},
        }
    )
    store.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "app-config", "namespace": NS},
            "data": {
                "db.conf": f"url=mongodb://user:{db_pass}@mongodb-geo:27017/geo-db\n",
                "JWT_SECRET": jwt,
            },
        }
    )
    pod = store.list("Pod", NS)[0]
    pod["spec"]["containers"][0].setdefault("env", []).append(
        {"name": "DB_PASSWORD", "value": password}
    )
    return str(pod["metadata"]["name"])


def forbidden(secret: str) -> set[str]:
    """The secret, its base64 forms, and every fragment of 4+ characters of each."""
    whole = {secret, base64.b64encode(secret.encode()).decode().rstrip("=")}
    return {w[i : i + 4] for w in whole for i in range(len(w) - 3)} | whole


def leaks(text: str, secrets: list[str]) -> list[str]:
    return sorted(f for s in secrets for f in forbidden(s) if f in text)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(SECRET, SECRET, SECRET, st.lists(st.sampled_from(ATTACKS), min_size=1, max_size=4))
def test_planted_secrets_never_leave_in_any_form(
    password: str, db_pass: str, jwt: str, attacks: list[str]
) -> None:
    env = TwinEnvironment(step_seconds=0)
    env.reset(TASK, 0)
    pod = plant(env, password, db_pass, jwt)
    gate = Gate(env.run_command, secrets=SecretValues(env.secret_values()))
    probe = gate.channel(Role.PROBE)
    for attack in attacks:
        result = probe.run(attack.format(ns=NS, pod=pod))
        assert not leaks(result.output, [password, db_pass, jwt]), (attack, result.output)
    env.close()


def test_ordinary_output_and_names_are_not_masked() -> None:
    env = TwinEnvironment(step_seconds=0)
    env.reset(TASK, 0)
    plant(env, "Zq8xLm2Pw7Rt", "Hx3vN9kQp2Ld", "jW7tK2mQ9xRv4Lp")
    secrets = SecretValues(env.secret_values())
    gate = Gate(env.run_command, secrets=secrets)
    probe = gate.channel(Role.PROBE)
    for command in (
        f"kubectl get pods -n {NS}",
        f"kubectl describe deployment geo -n {NS}",
        f"kubectl get events -n {NS}",
        "kubectl get secrets -A",
    ):
        raw, _ = env.run_command(command)
        assert secrets.mask(raw) == raw, command
        assert "****" not in probe.run(command).output, command
    assert "app-creds" in probe.run(f"kubectl get secrets -n {NS}").output


class Greedy:
    """An Observer that asks the Probe to read every secret it can, then submits."""

    tokens_in = 0
    tokens_out = 0

    def __init__(self, commands: list[str]) -> None:
        self.commands = commands

    def plan(self, problem: str, task_type: str, iterations: int) -> SubtaskQueue:
        return SubtaskQueue.default(iterations, False)

    def decide(self, state: Any) -> Decision:
        decision = Decision(suggested_commands=self.commands)
        if state.iteration >= 2:
            decision.next_action.agent = NextAgent.SUBMIT
            decision.submission.call = 'submit("No")'
            return decision
        decision.next_action.agent = NextAgent.PROBE
        decision.next_action.instruction = "read every credential"
        return decision


def test_store_and_audit_hold_no_secret_after_a_greedy_run(tmp_path: Path) -> None:
    secrets = ["Zq8xLm2Pw7Rt", "Hx3vN9kQp2Ld", "jW7tK2mQ9xRv4Lp"]
    env = TwinEnvironment(step_seconds=0)
    problem = env.reset(TASK, 0)
    pod = plant(env, *secrets)
    commands = [a.format(ns=NS, pod=pod) for a in ATTACKS]
    commands.append(
        f"kubectl create secret generic leak -n {NS} --from-literal=password=Qr5tY8uI2oPz"
    )
    audit = tmp_path / "audit.jsonl"
    runtime = Runtime(Greedy(commands), config=RuntimeConfig(max_iterations=3, audit_path=audit))
    db = tmp_path / "runs.db"
    store = TrajectoryStore(f"sqlite:///{db}")
    run = store.create_run({})
    attempt = store.start_attempt(run, TASK, agent="greedy")
    seen: list[str] = []

    def on_step(step: dict[str, Any]) -> None:
        seen.append(json.dumps(step, default=str))
        store.append_step(
            attempt, Step.model_validate({k: step[k] for k in step if k in Step.model_fields})
        )

    record = runtime.run(env, problem, task_type="detection", namespace=NS, on_step=on_step)
    store.finish_attempt(attempt, {"success": False})
    store.close()
    assert record.steps and any(c["output_raw"] for s in record.steps for c in s["commands"])
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("runs.db"))
    texts = {
        "store": stored.decode("utf-8", errors="replace"),
        "audit": audit.read_text(),
        "steps": "\n".join(seen),
    }
    for where, text in texts.items():
        assert not leaks(text, [*secrets, "Qr5tY8uI2oPz"]), where


def test_two_masks_on_one_line_learn_two_values_not_the_text_between() -> None:
    # a mongo login and a createUser's pwd on one line: the flags between them are not a
    # secret, and learning them would mask every later `--quiet` and `admin`
    line = (
        "kubectl exec deploy/mongodb-geo -n ns -- mongo admin -u root -p S3cretRootPw "
        "--authenticationDatabase admin --quiet --eval \"db.createUser({user: 'admin', "
        "pwd: 'N3wUserPw99', roles: []})\""
    )
    values = SecretValues()
    masked = values.command(line)
    assert masked.count("****") == 2
    assert "--authenticationDatabase admin --quiet --eval" in values.scrub(line)
    assert sorted(values._values) == ["N3wUserPw99", "S3cretRootPw"]
