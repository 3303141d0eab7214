"""The Judge: one hand-made trajectory per failure pattern and per outcome, and expert runs."""

from __future__ import annotations

import pytest
from loop_cases import make, read, refused, write

from aoi.llm import Replay
from aoi.loop.judge import judge
from aoi.loop.llm_judge import llm_judge
from aoi.loop.solve import expert_trajectory
from aoi.loop.store import LoopStore
from aoi.trajectories import TrajectoryStore

SN = "test-social-network"
MITIGATION = "k8s_target_port-misconfig-mitigation-1"  # user-service's targetPort
LOCALIZATION = "k8s_target_port-misconfig-localization-1"
DETECTION = "k8s_target_port-misconfig-detection-1"
PODS = read(f"kubectl get pods -n {SN}", "compose-post-service-1 Running")
USER_LOG = read(f"kubectl logs deploy/user-service -n {SN}", "listening on 9090")
EVENTS = read(f"kubectl get events -n {SN}", "No resources found")
FIX = write(f"kubectl patch service user-service -n {SN} -p '...'")


def test_success_error_and_plain_failure_outcomes() -> None:
    assert judge(make(LOCALIZATION, [PODS, USER_LOG], success=True)).outcome == "success"
    crashed = make(
        LOCALIZATION,
        [],
        success=False,
        submission=None,
        status="failed",
        error="EndpointUnavailable",
    )
    verdict = judge(crashed)
    assert verdict.outcome == "error" and verdict.patterns == []
    assert "never reached a decision" in verdict.reason
    failed = make(DETECTION, [PODS, USER_LOG], success=False, submission='submit("No")')
    assert judge(failed).outcome == "failure"


def test_a_missing_resolution() -> None:
    t = make(MITIGATION, [PODS, USER_LOG, refused("kubectl delete pod x")], success=False)
    verdict = judge(t)
    assert "A" in verdict.codes and "F" not in verdict.codes and "D" not in verdict.codes
    assert verdict.scores["resolution"] == 0 and verdict.scores["safety"] == 7


def test_b_incomplete_diagnosis_names_a_symptom_after_reading_the_cause() -> None:
    t = make(
        LOCALIZATION,
        [PODS, USER_LOG, EVENTS],
        success=False,
        submission='submit(["compose-post-service"])',
    )
    verdict = judge(t)
    assert verdict.codes == ["B"]
    assert "user-service" in verdict.patterns[0].evidence[0]


def test_c_wrong_diagnostic_path_never_reads_the_cause() -> None:
    nginx = read(f"kubectl logs deploy/nginx-thrift -n {SN}", "error")
    t = make(
        LOCALIZATION, [PODS, nginx, PODS], success=False, submission='submit(["nginx-thrift"])'
    )
    assert judge(t).codes == ["C"]


def test_d_missing_verification_and_f_incorrect_fix() -> None:
    unverified = judge(make(MITIGATION, [PODS, USER_LOG, FIX], success=False))
    assert {"D", "F"} <= set(unverified.codes) and "A" not in unverified.codes
    assert unverified.scores["verification"] == 0
    verified = judge(make(MITIGATION, [PODS, USER_LOG, FIX, PODS], success=False))
    assert "D" not in verified.codes and "F" in verified.codes
    assert verified.scores["verification"] == 10


def test_e_premature_termination() -> None:
    t = make(DETECTION, [PODS], success=False, submission='submit("No")', confidence=30)
    verdict = judge(t)
    assert "E" in verdict.codes
    assert any("confidence 30" in e for e in verdict.patterns[verdict.codes.index("E")].evidence)
    # the same answer forced at the cap is not premature
    forced = make(
        DETECTION, [PODS], success=False, submission='submit("No")', ended_by="forced submit"
    )
    assert "E" not in judge(forced).codes


def test_successes_carry_no_pattern_and_judging_twice_replaces() -> None:
    store = TrajectoryStore("sqlite://")
    loop = LoopStore(store)
    t = expert_trajectory(MITIGATION)
    verdict = judge(t)
    assert verdict.outcome == "success" and verdict.patterns == []
    assert verdict.scores == {
        "diagnosis": 10,
        "resolution": 10,
        "verification": 10,
        "efficiency": 10,
        "safety": 10,
    }
    loop.save_judgement(verdict)
    loop.save_judgement(judge(t))
    assert len(loop.judgements(t.run_id)) == 1


@pytest.mark.parametrize(
    ("task_id", "family"),
    [
        ("k8s_target_port-misconfig-mitigation-1", "network"),
        ("revoke_auth_mongodb-localization-1", "mongo"),
        ("scale_pod_zero_social_net-mitigation-1", "workloads"),
        ("astronomy_shop_ad_service_failure-detection-1", "flags"),
    ],
)
def test_an_ablated_expert_gets_only_patterns_its_commands_show(task_id: str, family: str) -> None:
    t = expert_trajectory(task_id, without=[family])
    assert not t.success
    verdict = judge(t)
    assert verdict.outcome == "failure" and verdict.patterns
    commands = t.commands()
    writes_ok = [c for c in commands if c.verdict == "WRITE" and c.exit_code == 0 and c.allowed]
    for code in verdict.codes:
        if code in ("A",):
            assert not writes_ok
        if code in ("D", "F"):
            assert writes_ok
        if code == "E":
            pytest.fail("the ablated expert sweeps before it submits: never premature")
    # the ablated expert never wrote, so it cannot have fixed wrongly or left a fix unverified
    assert not {"D", "F"} & set(verdict.codes)


def test_llm_judge_reports_agreement_and_a_failed_call_scores_five() -> None:
    t = make(LOCALIZATION, [PODS, USER_LOG, EVENTS], success=False, submission='submit(["x"])')
    answer = (
        '{"outcome": "failure", "patterns": [{"code": "B", "evidence": ["named x"]}], '
        '"scores": {"diagnosis": 2, "resolution": 10, "verification": 0, "efficiency": 10, '
        '"safety": 10}, "reason": "named a symptom"}'
    )
    both = judge(t, model=Replay([answer]))
    assert both.second is not None and both.second.codes == ["B"]
    assert both.agreement == {
        "outcome": True,
        "patterns_jaccard": 1.0,
        "score_mean_abs_diff": pytest.approx(both.agreement["score_mean_abs_diff"]),
        "scores_within_2": both.agreement["scores_within_2"],
    }
    broken = llm_judge(t, Replay([{"response": "down", "raise": "EndpointUnavailable"}]))
    assert set(broken.scores.values()) == {5} and broken.patterns == []
    garbled = llm_judge(t, Replay(["I think it went fine."]))
    assert set(garbled.scores.values()) == {5}
