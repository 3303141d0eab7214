"""AOI as an AIOpsLab agent: an orchestrator in AIOpsLab's style drives `get_action`."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.agents import AgentSpec, build_runtime, run_task
from aoi.agents.aiopslab import AIOpsLabAgent
from aoi.catalog import parse_action
from aoi.envs import Action
from aoi.envs.twin import TwinEnvironment


async def orchestrate(task_id: str, max_steps: int = 60) -> tuple[bool, int, object]:
    """What AIOpsLab does: hand over the problem, parse each answer, feed back observations."""
    env = TwinEnvironment()
    problem = env.reset(task_id, seed=2)
    agent = AIOpsLabAgent(build_runtime(AgentSpec("expert")))
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
    "task_id",
    [
        "k8s_target_port-misconfig-localization-1",
        "revoke_auth_mongodb-mitigation-1",
        "noop_detection_social_network-1",
    ],
)
def test_the_runtime_solves_tasks_when_aiopslab_drives_it(task_id: str) -> None:
    success, steps, submission = asyncio.run(orchestrate(task_id))
    assert success
    assert steps > 1
    # the same answer as when the runtime drives the environment itself
    assert submission == run_task(task_id, agent=AgentSpec("expert"), seed=2).outcome.submission


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_characters="\\`\n\r", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=80,
    )
)
def test_exec_shell_calls_survive_aiopslab_parsing(command: str) -> None:
    rendered = Action.exec_shell(command).render()
    parsed = parse_action(rendered)
    assert parsed.ok and parsed.api == "exec_shell"
    assert parsed.args[0].strip() == command.strip()
