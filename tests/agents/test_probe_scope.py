"""The runtime gives the namespace scope once: its gate scopes the Probe's shell and API reads
on a live cluster that was given no policy, audits them, and the environment learns the
secrets of the scoped namespaces."""

from __future__ import annotations

import json
from pathlib import Path

from tests.agents.test_loop import HR, observer, plan, probe
from tests.envs.test_live import TwinRunner

from aoi.agents import Runtime, RuntimeConfig
from aoi.agents.observer import LLMObserver
from aoi.catalog import get_task
from aoi.envs.live import LiveClusterEnvironment
from aoi.gate import Policy
from aoi.llm import Replay, extract_json
from aoi.twin.core import Twin
from aoi.twin.faults import inject

TASK = "revoke_auth_mongodb-localization-1"


def test_the_runtimes_scope_covers_the_probes_api_reads_on_a_live_cluster(tmp_path: Path) -> None:
    twin = Twin.fresh("hotel-reservation", 0)
    inject(twin, get_task(TASK))
    runner = TwinRunner(twin)
    env = LiveClusterEnvironment(runner=runner, run_dir=tmp_path)  # no policy given here
    model = Replay(
        [
            plan("probe", "probe", "submit"),
            observer("probe"),
            probe('get_logs("kube-system", "coredns")', status="CONTINUE"),
            probe(f'get_logs("{HR}", "geo")'),
            observer("submit", call='submit(["mongodb-geo"])'),
        ]
    )
    audit = tmp_path / "audit.jsonl"
    runtime = Runtime(
        LLMObserver(model, extract_json),
        probe_model=model,
        executor_model=model,
        compressor_model=model,
        parse=extract_json,
        config=RuntimeConfig(
            max_iterations=4, policy=Policy.load(None, namespaces=[HR, "observe"]), audit_path=audit
        ),
    )
    problem = env.reset(TASK)
    record = runtime.run(env, problem, task_type="localization", namespace=HR)
    outcome = env.evaluate()
    assert outcome.success
    commands = record.steps[0]["commands"]
    assert [c["allowed"] for c in commands] == [False, True]
    assert "outside this run's scope" in commands[0]["output_raw"]
    assert "geo" in commands[1]["output_raw"] or commands[1]["exit_code"] == 0
    assert not any("kube-system" in call for call in runner.calls)
    # the secrets of every scoped namespace were read, with the session's identity
    for namespace in (HR, "observe"):
        read = ["kubectl", "--context", "kind-aoi", "get", "secrets", "-n", namespace, "-o", "json"]
        assert read in runner.calls
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(x["command"], x["allowed"]) for x in lines] == [
        ("get_logs('kube-system', 'coredns')", False),
        (f"get_logs('{HR}', 'geo')", True),
    ]
