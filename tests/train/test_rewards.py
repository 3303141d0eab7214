"""The Observer reward on hand-made completions: a perfect answer, each kind of mistake, garbage."""

from __future__ import annotations

import json

import pytest

from aoi.train.rewards import UNPARSEABLE, WEIGHTS, ObserverReward

NS = "test-hotel-reservation"
TASK = "revoke_auth_mongodb-localization-2"

REFERENCE = {
    "previous_summary": "pod rate crash loops; its logs show mongodb-rate refusing authentication",
    "phase": "depth_analysis",
    "root_cause_analysis": "the rate user lost its roles on mongodb-rate",
    "confidence": 60,
    "suggested_commands": [f"kubectl logs deployment/mongodb-rate -n {NS}"],
    "next_action": {
        "agent": "probe",
        "instruction": "read the logs of mongodb-rate for authentication errors",
        "probe_context": {"targets": ["mongodb-rate"], "investigation_type": "logs"},
    },
    "submission": {"ready": False, "call": "", "justification": ""},
}
SUBMIT_REFERENCE = {
    **REFERENCE,
    "confidence": 95,
    "suggested_commands": [],
    "next_action": {"agent": "submit", "instruction": "submit"},
    "submission": {"ready": True, "call": 'submit(["mongodb-rate"])', "justification": "x"},
}


def row(step: int = 3, reference: dict | None = None, **extra):
    base = {
        "step": step,
        "n_steps": 5,
        "task_id": TASK,
        "task_type": "localization",
        "namespace": NS,
        "reference": json.dumps(reference or REFERENCE),
        "reference_call": "",
        "truth_targets": ["mongodb-rate"],
        "is_submit": False,
    }
    base.update(extra)
    return base


def score(completion: str, **kw) -> float:
    r = row(**kw)
    return ObserverReward()(["p"], [completion], **{k: [v] for k, v in r.items()})[0]


def dims(completion: str, **kw):
    r = row(**kw)
    return ObserverReward().score_one(completion, r).dimensions


def perfect(**changes) -> dict:
    decision = json.loads(json.dumps(REFERENCE))
    for key, value in changes.items():
        target = decision
        *path, last = key.split(".")
        for p in path:
            target = target[p]
        target[last] = value
    return decision


def test_the_reference_itself_scores_full_marks():
    assert score(json.dumps(REFERENCE)) == pytest.approx(1.0)
    # a fenced JSON answer is still one clean object
    assert score(f"```json\n{json.dumps(REFERENCE)}\n```") == pytest.approx(1.0)


def test_garbage_gets_the_fixed_small_reward():
    for text in ["", "I think the pod is broken.", "{not json", '{"answer": 42}', "[1, 2]"]:
        assert score(text) == UNPARSEABLE


def test_several_json_blocks_halve_the_format_score():
    two = json.dumps(REFERENCE) + "\n" + json.dumps(REFERENCE)
    assert dims(two)["format"] == 5.0
    assert score(two) == pytest.approx(1.0 - WEIGHTS["format"] / 2)
    prose = "Here is my decision: " + json.dumps(REFERENCE)
    assert 5.0 < dims(prose)["format"] < 10.0


def test_wrong_agent_loses_the_action_term_and_an_executor_alternative_is_half_right():
    assert dims(json.dumps(perfect(**{"next_action.agent": "submit"})))["action"] == 0.0
    # probing where the reference repairs: a reasonable alternative
    repair = perfect(**{"next_action.agent": "executor"})
    assert dims(json.dumps(perfect()), reference=repair)["action"] == 5.0
    # a write in a diagnosis-only task is no alternative to a read
    assert dims(json.dumps(repair))["action"] == 0.0
    assert dims(json.dumps(repair), task_type="mitigation")["action"] == 5.0


def test_wrong_namespace_and_wrong_target_cost_the_targets_term():
    right = dims(json.dumps(perfect()))["targets"]
    wrong_ns = perfect(suggested_commands=["kubectl logs deployment/mongodb-rate -n default"])
    wrong_target = perfect(**{"next_action.probe_context.targets": ["frontend"]})
    assert right == 10.0
    assert dims(json.dumps(wrong_ns))["targets"] == 5.0
    assert dims(json.dumps(wrong_target))["targets"] == 5.0
    # naming the faulty component counts even when the reference looked elsewhere
    elsewhere = perfect(**{"next_action.probe_context.targets": ["rate"]})
    truth_only = perfect(**{"next_action.probe_context.targets": ["mongodb-rate"]})
    assert dims(json.dumps(truth_only), reference=elsewhere)["targets"] == 10.0


def test_an_unrelated_instruction_scores_low():
    off = perfect(
        suggested_commands=[f"kubectl get nodes -n {NS}"],
        **{"next_action.instruction": "list the nodes of the cluster"},
    )
    assert dims(json.dumps(off))["instruction"] < 3.0
    assert score(json.dumps(off)) < 0.8


def test_confidence_is_calibrated_against_the_step():
    sure_early = perfect(confidence=100)
    assert (
        dims(json.dumps(sure_early), step=1)["confidence"]
        < dims(json.dumps(perfect(confidence=20)), step=1)["confidence"]
    )
    assert dims(json.dumps(sure_early), step=5)["confidence"] == 10.0


def test_a_missing_summary_costs_only_where_the_summary_counts():
    no_summary = perfect(previous_summary="")
    assert dims(json.dumps(no_summary))["summary"] == 0.0
    assert score(json.dumps(no_summary)) == pytest.approx(1.0 - WEIGHTS["summary"])
    # step 1 has nothing to sum up: the term is dropped and the rest rescaled
    assert dims(json.dumps(no_summary), step=1)["summary"] is None
    assert score(json.dumps(no_summary), step=1) == pytest.approx(
        score(json.dumps(perfect()), step=1)
    )
    assert score(json.dumps(perfect(confidence=20, previous_summary="")), step=1) == pytest.approx(
        1.0
    )


def test_the_submit_step_is_scored_by_rule():
    kw = {"step": 5, "reference": SUBMIT_REFERENCE, "is_submit": True}
    kw["reference_call"] = 'submit(["mongodb-rate"])'
    exact = perfect(
        confidence=100,
        **{"next_action": {"agent": "submit"}, "submission.call": "submit(['mongodb-rate'])"},
    )
    assert score(json.dumps(exact), **kw) == pytest.approx(1.0)
    assert dims(json.dumps(exact), **kw)["summary"] is None
    # an answer the task's scoring accepts (AIOpsLab's alias rule) is as good as the reference
    alias = perfect(
        confidence=100, **{"next_action": {"agent": "submit"}, "submission.call": 'submit("rate")'}
    )
    assert score(json.dumps(alias), **kw) == pytest.approx(1.0)
    wrong = perfect(
        confidence=100, **{"next_action": {"agent": "submit"}, "submission.call": 'submit(["geo"])'}
    )
    assert dims(json.dumps(wrong), **kw)["instruction"] == 2.0
    keeps_probing = perfect(confidence=100)
    assert dims(json.dumps(keeps_probing), **kw)["action"] == 5.0
    assert score(json.dumps(keeps_probing), **kw) < 0.3


def test_dimension_functions_return_none_where_dropped_and_conversational_completions_work():
    reward = ObserverReward()
    r = row(step=3)
    columns = {k: [v, v] for k, v in r.items()}
    completions = [[{"role": "assistant", "content": json.dumps(REFERENCE)}], "garbage"]
    assert reward(["p", "p"], completions, **columns) == [pytest.approx(1.0), UNPARSEABLE]
    assert reward.dimension("summary")(["p", "p"], completions, **columns) == [1.0, None]
    first = {k: [v] for k, v in row(step=1).items()}
    assert reward.dimension("summary")(["p"], completions[:1], **first) == [None]
    assert reward.dimension("format")(["p", "p"], completions, **columns) == [1.0, None]


class FakeJudge:
    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply
        self.prompts: list[str] = []

    def complete(self, messages, **kw):
        from aoi.llm import Completion

        self.prompts.append(messages[-1].content)
        if isinstance(self.reply, Exception):
            raise self.reply
        return [Completion(self.reply)]


def test_an_llm_judge_scores_the_judged_dimensions_and_a_failed_call_scores_five():
    judge = FakeJudge('{"summary": 10, "instruction": 0, "targets": 10}')
    scores = ObserverReward(judge).score_one(json.dumps(REFERENCE), row())
    assert scores.dimensions["instruction"] == 0.0
    assert "mongodb-rate" in judge.prompts[0]
    from aoi.llm import EndpointUnavailable

    failed = ObserverReward(FakeJudge(EndpointUnavailable("down"))).score_one(
        json.dumps(REFERENCE), row()
    )
    assert {failed.dimensions[k] for k in ("summary", "instruction", "targets")} == {5.0}
    # a bug in the judge is not a failed call: it surfaces
    with pytest.raises(RuntimeError, match="a bug"):
        ObserverReward(FakeJudge(RuntimeError("a bug"))).score_one(json.dumps(REFERENCE), row())


# The online step score: no reference decision, only the task's truth and the step's position.


def online(completion: str, step: int = 3, n_steps: int = 5) -> tuple[float, dict]:
    r = {k: v for k, v in row(step=step, n_steps=n_steps).items() if k not in ("reference",)}
    scored = ObserverReward().score_online(completion, r)
    return scored.reward, scored.dimensions


def test_online_a_probe_on_the_right_namespace_and_target_scores_full_marks():
    reward, d = online(json.dumps(REFERENCE))
    assert reward == pytest.approx(1.0)
    # no reference to compare the summary, the action and the instruction against
    assert d["summary"] is d["action"] is d["instruction"] is None


def test_online_each_mistake_costs_and_garbage_gets_the_fixed_reward():
    full, _ = online(json.dumps(REFERENCE))
    wrong_ns, d = online(
        json.dumps(perfect(suggested_commands=["kubectl logs deployment/mongodb-rate -n default"]))
    )
    assert d["targets"] == 5.0 and wrong_ns < full
    wrong_target, d = online(json.dumps(perfect(**{"next_action.probe_context.targets": ["geo"]})))
    assert d["targets"] == 5.0 and wrong_target < full
    early_sure, d = online(json.dumps(perfect(confidence=100)), step=1)
    assert d["confidence"] == pytest.approx(2.0) and early_sure < full
    two, d = online(json.dumps(REFERENCE) * 2)
    assert d["format"] == 5.0 and two < full
    for text in ["", "the pod is broken", '{"next": 1}']:
        assert online(text)[0] == UNPARSEABLE


def test_online_a_submission_is_scored_against_the_tasks_truth():
    answer = {"next_action": {"agent": "submit"}, "confidence": 100}
    right, d = online(json.dumps({**answer, "submission": {"call": 'submit(["mongodb-rate"])'}}), 5)
    assert right == pytest.approx(1.0) and d["instruction"] == d["targets"] == 10.0
    wrong, d = online(json.dumps({**answer, "submission": {"call": 'submit(["geo"])'}}), 5)
    assert d["targets"] == 2.0 and wrong < 0.5
    malformed, d = online(json.dumps({**answer, "submission": {"call": "the geo service"}}), 5)
    assert d["targets"] == 0.0 and malformed < wrong


def test_online_reward_functions_pass_the_rollouts_columns_through():
    from aoi.train.online import step_shaping, task_score

    columns = {"episode_score": [1.0, 0.0], "turn_shaping": [0.5, 0.09]}
    assert task_score(["p", "p"], ["a", "b"], **columns) == [1.0, 0.0]
    assert step_shaping(["p", "p"], ["a", "b"], **columns) == [0.5, 0.09]
