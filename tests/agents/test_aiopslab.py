"""AOI as an AIOpsLab agent: an orchestrator in AIOpsLab's style drives `get_action`."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.agents import AgentSpec, build_runtime, run_task
from aoi.agents.aiopslab import AIOpsLabAgent, AIOpsLabSetupError
from aoi.catalog import Problem, parse_action
from aoi.envs import Action
from aoi.envs.twin import TwinEnvironment


async def orchestrate(
    task_id: str, max_steps: int = 60, *, by: str = "problem"
) -> tuple[bool, int, object]:
    """What AIOpsLab does: hand over the problem, parse each answer, feed back observations.

    `by` says how the agent is told the task: the Problem's fields, AIOpsLab's
    problem id, or its type and namespace as read from AIOpsLab's problem object.
    """
    env = TwinEnvironment()
    problem = env.reset(task_id, seed=2)
    runtime = build_runtime(AgentSpec("expert"))
    if by == "problem":
        # the twin reads exec_shell's text as a local shell would (AIOpsLab's localhost)
        agent = AIOpsLabAgent(runtime, problem=problem, k8s_host="localhost")
    elif by == "task_id":
        agent = AIOpsLabAgent(runtime, task_id=task_id, k8s_host="localhost")
    else:
        agent = AIOpsLabAgent(
            runtime,
            task_type=problem.task_type.value,
            namespace=problem.namespace,
            k8s_host="localhost",
        )
    state = problem.text()
    for step in range(max_steps):
        answer = await agent.get_action(state)
        parsed = parse_action(answer)  # AIOpsLab's rules: one fenced block, one call
        assert parsed.ok, answer
        observation = env.act(parsed)
        if parsed.api == "submit":
            outcome = env.evaluate()
            return outcome.success, step + 1, outcome.submission
        state = f"{observation.text}\nPlease take the next action"
    raise AssertionError("the agent never submitted")


@pytest.mark.parametrize(
    ("task_id", "by"),
    [
        ("k8s_target_port-misconfig-localization-1", "problem"),
        ("revoke_auth_mongodb-mitigation-1", "task_id"),
        ("noop_detection_social_network-1", "fields"),
    ],
)
def test_the_runtime_solves_tasks_when_aiopslab_drives_it(task_id: str, by: str) -> None:
    success, steps, submission = asyncio.run(orchestrate(task_id, by=by))
    assert success
    assert steps > 1
    # the same answer as when the runtime drives the environment itself
    assert submission == run_task(task_id, agent=AgentSpec("expert"), seed=2).outcome.submission


def test_the_task_is_read_from_fields_never_from_the_wording() -> None:
    runtime = build_runtime(AgentSpec("expert"))
    with pytest.raises(AIOpsLabSetupError, match="needs the task"):
        AIOpsLabAgent(runtime)
    with pytest.raises(AIOpsLabSetupError, match="unknown task_type"):
        AIOpsLabAgent(runtime, task_type="triage", namespace="default")
    # a text naming another namespace changes nothing: the given fields win
    agent = AIOpsLabAgent(runtime, task_type="detection", namespace="test-social-network")
    seen: dict[str, str] = {}

    def run(env: object, problem: Problem, *, task_type: str, namespace: str) -> None:
        seen.update(task_type=task_type, namespace=namespace, text=problem.description)

    agent.runtime = type("R", (), {"run": staticmethod(run)})()  # type: ignore[assignment]
    text = "Localize the fault in namespace test-hotel-reservation."
    answer = asyncio.run(agent.get_action(text))
    assert answer == "```\nsubmit()\n```"  # the stand-in runtime ends at once
    assert seen == {"task_type": "detection", "namespace": "test-social-network", "text": text}


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_characters="`", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=80,
    )
)
def test_exec_shell_calls_survive_aiopslab_parsing(command: str) -> None:
    rendered = Action.exec_shell(command).render()
    parsed = parse_action(rendered)
    assert parsed.ok and parsed.api == "exec_shell"
    # exactly the command; a trailing `"` is kept from AIOpsLab's strip by a space
    assert parsed.args[0] in (command, command + " ")
