"""End to end, no model: an ablated expert fails a fault family; the teacher Evolver's plans,
kept in a guidance library, make the next attempt at each failed task succeed.

The guided attempts are run by the guidance follower (aoi.agents.guided), which
reads the rendered guidance text, the same text an LLM Observer is shown, and
carries out its plan through the runtime's Probe, Executor and gate.
"""

from __future__ import annotations

import pytest

from aoi.agents import AgentSpec
from aoi.agents.guided import read_guidance
from aoi.bench import BenchConfig, run_bench
from aoi.gate import redact_command
from aoi.loop.evolve.candidates import evolve
from aoi.loop.guidance import GuidanceLibrary, guidance_for
from aoi.trajectories import TrajectoryStore

FAMILY = [
    "revoke_auth_mongodb-localization-1",
    "revoke_auth_mongodb-analysis-1",
    "revoke_auth_mongodb-mitigation-1",
    "revoke_auth_mongodb-detection-1",
]
ABLATED = AgentSpec(without=("mongo",))


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """Bench the ablated expert, evolve every failure with the teacher, fill a library."""
    root = tmp_path_factory.mktemp("loop")
    url = f"sqlite:///{root / 'store.db'}"
    library = GuidanceLibrary(root / "guidance.jsonl")
    first = run_bench(BenchConfig(tasks=FAMILY, agent=ABLATED, store_url=url))
    store = TrajectoryStore(url)
    failed = store.query(run_id=first.run_id, success=False)
    for trajectory in failed:
        evolution = evolve(trajectory)  # no model: the teacher
        entry = evolution.entry()
        assert entry is not None and entry.author == "teacher"
        assert evolution.best is not None and evolution.best.verified
        library.add(entry)
    return url, library, first, [t.task_id for t in failed]


def test_the_ablated_expert_fails_the_family_where_it_needs_the_missing_rules(loop) -> None:
    _url, _library, first, failed = loop
    assert sorted(failed) == sorted(FAMILY[:3])  # detection needs no mongo rule
    assert first.figures.best_at_k < 100.0


def test_the_guidance_for_each_failed_task_replayed_solves_it(loop) -> None:
    url, library, _first, failed = loop
    guided = run_bench(
        BenchConfig(
            tasks=failed,
            agent=ABLATED,
            store_url=url,
            guidance=str(library.path),
            guidance_from="same-task",
        )
    )
    assert all(r.success for r in guided.results), [(r.task_id, r.error) for r in guided.results]
    assert all(
        "teacher" in (r.guidance or "") and "same-task" in r.guidance for r in guided.results
    )
    report = guided.as_json()["guidance"]
    assert report["guided_attempts"] == len(failed) and report["same_task_attempts"] == len(failed)
    # the follower ran the guidance's own commands, through the gate
    store = TrajectoryStore(url)
    for trajectory in store.query(run_id=guided.run_id):
        text, _match = guidance_for(library, trajectory.task_id, "same-task")  # type: ignore[misc]
        assert trajectory.guidance == text
        planned = [redact_command(c) for _phase, c in read_guidance(text).commands]
        ran = {c.command for c in trajectory.commands() if c.allowed}
        assert planned and all(c in ran for c in planned)  # the store keeps them masked
        assert trajectory.agent == "expert without mongo + guidance follower"


def test_the_follower_uses_the_guidance_a_wrong_answer_in_it_fails(loop, tmp_path) -> None:
    url, library, _first, _failed = loop
    (entry,) = library.get("revoke_auth_mongodb-localization-1")
    entry.plan.submission = 'submit(["geo"])'
    wrong = GuidanceLibrary(tmp_path / "wrong.jsonl")
    wrong.add(entry)
    run = run_bench(
        BenchConfig(
            tasks=["revoke_auth_mongodb-localization-1"],
            agent=ABLATED,
            store_url=url,
            guidance=str(wrong.path),
        )
    )
    assert not run.results[0].success


def test_guidance_from_other_targets_is_marked_and_not_the_answer(loop) -> None:
    url, library, _first, _failed = loop
    run = run_bench(
        BenchConfig(
            tasks=["revoke_auth_mongodb-localization-2"],  # mongodb-rate, the library's is on geo
            agent=ABLATED,
            store_url=url,
            guidance=str(library.path),
            guidance_from="other-targets",
        )
    )
    (result,) = run.results
    assert result.guidance and "other-target" in result.guidance
    text, match = guidance_for(library, "revoke_auth_mongodb-localization-2", "other-targets")  # type: ignore[misc]
    assert not match.same_task and read_guidance(text).submission is None
    assert guidance_for(library, "revoke_auth_mongodb-localization-2", "same-task") is None


def test_attempts_with_evolve_close_the_loop_between_attempts(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    run = run_bench(
        BenchConfig(
            tasks=["revoke_auth_mongodb-mitigation-1"],
            attempts=2,
            agent=ABLATED,
            store_url=url,
            evolve=True,
        )
    )
    first, second = sorted(run.results, key=lambda r: r.attempt)
    assert not first.success and first.guidance is None
    assert second.success and "teacher" in (second.guidance or "")
    assert run.figures.best_at_k == 100.0 and run.figures.avg_at_k == 50.0
