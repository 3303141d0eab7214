"""check_env: does an environment keep the Environment contract? (as Gymnasium's env checker asks)

`check_env(env, task_id)` drives a new environment through one episode and
raises `EnvironmentContractError` at the first broken promise, naming it:

- act, run_command and evaluate before reset raise `EnvironmentStateError`;
- reset returns a `Problem` with its fields filled, for the id it was given;
- every API answers with an `Observation`: it works (`ok`) or says why not in a
  documented error (`error`, `refused`, `invalid`), never raises, and stays
  within `max_observation_chars`;
- a malformed call (no call, an unknown API, wrong arguments) is `invalid`, is
  counted as a step and loses nothing: the episode goes on and the next call works;
- the gate's runner (`run_command`) runs what the gate accepts, and a write the
  Probe's channel refuses never reaches the environment;
- evaluate before submit reports no submission (and, but for mitigation, no success);
- submit ends the episode; act after it is `invalid` with `done`, and counts no step;
- the same task and seed give the same problem, and on a replayable environment
  the same observations;
- close may be called twice.

It returns the names of the checks that passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aoi.catalog import Problem, TaskType
from aoi.envs.base import APIS, Action, Environment, EnvironmentStateError, Observation, Outcome
from aoi.errors import AOIError
from aoi.gate import REFUSED_EXIT, Gate, Role

VERDICTS = ("ok", "error", "refused", "invalid")
# calls that must come back `invalid`: no call at all, not a call, an unknown API,
# a missing argument, a command that is no string
MALFORMED = (
    "I think the cluster is fine.",
    "```\nkubectl get pods\n```",
    "```\nfrobnicate('x')\n```",
    "```\nget_logs()\n```",
    "```\nexec_shell(42)\n```",
)
# what each task type submits when the checker ends the episode
ANSWERS: dict[TaskType, tuple[Any, ...]] = {
    TaskType.DETECTION: ("Yes",),
    TaskType.LOCALIZATION: ([],),
    TaskType.ANALYSIS: ({"system_level": "Application", "fault_type": "Misconfiguration"},),
    TaskType.MITIGATION: (),
}
_EXPORTED = re.compile(r"exported to(?: directory)?: (\S+)")


class EnvironmentContractError(AOIError, AssertionError):
    """An environment broke the Environment contract; the message names the check."""


def check_env(
    env: Environment,
    task_id: str,
    *,
    seed: int = 0,
    replayable: bool | None = None,
    service: str | None = None,
) -> list[str]:
    """Check that a new (never reset) environment keeps the contract on `task_id`.

    `replayable` says whether the same seed must give the same observations (by
    default the environment's `replayable` attribute, else True); `service` is the
    service get_logs asks for (by default the first word of a pod listing).
    Raises EnvironmentContractError at the first broken check; returns the checks run.
    """
    passed: list[str] = []
    if replayable is None:
        replayable = bool(getattr(env, "replayable", True))

    def check(name: str, ok: bool, detail: str = "") -> None:
        if not ok:
            raise EnvironmentContractError(f"{type(env).__name__}: {name}: {detail}".rstrip(": "))
        if name not in passed:
            passed.append(name)

    _before_reset(env, check)
    problem = env.reset(task_id, seed)
    _problem(problem, task_id, check)
    counted = 0

    def act(call: str | Action) -> Observation:
        nonlocal counted
        try:
            obs = env.act(call)
        except Exception as exc:  # the contract: every call answers, none raises
            raise EnvironmentContractError(
                f"{type(env).__name__}: act answers every call: {str(call)[:80]!r} raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        counted += 1
        _observation(env, obs, str(call)[:80], check)
        return obs

    ns = problem.namespace
    listing = act(Action.exec_shell(f"kubectl get pods -n {ns}"))
    check("exec_shell reads the cluster", listing.verdict == "ok", listing.text[:300])
    for api, obs in _every_api(act, ns, service or _first_service(listing.text)).items():
        check(f"{api} answers", obs.api == api, f"the observation names {obs.api!r}")
    for malformed in MALFORMED:
        obs = act(malformed)
        check("a malformed call is invalid", obs.verdict == "invalid", f"{malformed!r} -> {obs}")
        check("a malformed call does not end the episode", not obs.done, repr(malformed))
    after = act(Action.exec_shell(f"kubectl get pods -n {ns}"))
    check("a malformed call loses nothing", after.verdict == "ok", after.text[:300])

    text, code = env.run_command(f"kubectl get pods -n {ns}")
    counted += 1
    check("run_command returns (output, exit status)", isinstance(text, str) and code == 0, text)
    probe = Gate(env.run_command).channel(Role.PROBE)
    read = probe.run(f"kubectl get services -n {ns}")
    counted += 1
    check("the gate's runner runs an accepted read", read.exit_code == 0, read.output[:300])
    before = env.evaluate().steps
    refused = probe.run(f"kubectl delete pods --all -n {ns}")
    check("a refused write never reaches the environment", refused.exit_code == REFUSED_EXIT)
    check("a refused write counts no step", env.evaluate().steps == before)

    early = env.evaluate()
    _outcome(early, problem, check)
    check("evaluate before submit: not submitted", not early.submitted, repr(early))
    check("evaluate before submit: no submission", early.submission is None, repr(early))
    if problem.task_type is not TaskType.MITIGATION:
        check("evaluate before submit: no success", not early.success, repr(early))
    check("steps count every call", early.steps == counted, f"{early.steps} != {counted}")

    answer = Action.submit(*ANSWERS[problem.task_type])
    done = act(answer)
    check("submit ends the episode", done.done and done.verdict == "ok", repr(done))
    late = env.act(Action.exec_shell(f"kubectl get pods -n {ns}"))
    check("act after submit is invalid", late.verdict == "invalid" and late.done, repr(late))
    again = env.act(answer)
    check("a second submit is invalid", again.verdict == "invalid" and again.done, repr(again))
    final = env.evaluate()
    _outcome(final, problem, check)
    check("evaluate after submit: submitted", final.submitted, repr(final))
    check("act after submit counts no step", final.steps == counted, f"{final.steps}")
    expected = answer.args[0] if len(answer.args) == 1 else list(answer.args)
    check("evaluate keeps the submission", final.submission == expected, repr(final.submission))

    _seeds(env, task_id, seed, problem, replayable, check)
    env.close()
    env.close()
    passed.append("close is idempotent")
    return passed


Check = Callable[[str, bool, str], None]


def _before_reset(env: Environment, check: Check) -> None:
    for name, call in (
        ("act before reset raises", lambda: env.act(Action.exec_shell("kubectl get pods"))),
        ("run_command before reset raises", lambda: env.run_command("kubectl get pods")),
        ("evaluate before reset raises", env.evaluate),
    ):
        try:
            call()
        except EnvironmentStateError:
            check(name, True, "")
        else:
            check(name, False, "it returned instead of raising EnvironmentStateError")


def _problem(problem: Any, task_id: str, check: Check) -> None:
    check("reset returns a Problem", isinstance(problem, Problem), repr(type(problem)))
    check("the problem has a description", bool(problem.description.strip()), "")
    check("the problem has instructions", bool(problem.instructions.strip()), "")
    names = [api.name for api in problem.apis]
    check("the problem lists the APIs", bool(names) and set(names) <= set(APIS), repr(names))
    check("the problem has a task type", isinstance(problem.task_type, TaskType), "")
    check("the problem has a namespace", bool(problem.namespace), "")
    check("the problem names its task", problem.task_id == task_id, repr(problem.task_id))
    check("the problem text shows the description", problem.description in problem.text(), "")


def _observation(env: Environment, obs: Any, call: str, check: Check) -> None:
    check("act returns an Observation", isinstance(obs, Observation), f"{call}: {type(obs)}")
    check("an observation has text", bool(obs.text), call)
    check("an observation has a verdict", obs.verdict in VERDICTS, f"{call}: {obs.verdict}")
    if obs.verdict == "ok":
        check("an ok observation exits 0", obs.exit_code == 0, f"{call}: {obs.exit_code}")
    limit = env.max_observation_chars + 200
    check("an observation stays within the cap", len(obs.text) <= limit, f"{call}: {len(obs.text)}")


def _every_api(
    act: Callable[[str | Action], Observation], ns: str, service: str
) -> dict[str, Observation]:
    """One call of each read API; read_metrics / read_traces read what the exports wrote."""
    seen: dict[str, Observation] = {}
    seen["get_logs"] = act(Action(api="get_logs", args=(ns, service)))
    seen["get_metrics"] = act(Action(api="get_metrics", args=(ns, 1)))
    seen["read_metrics"] = act(Action(api="read_metrics", args=(_csv(seen["get_metrics"]),)))
    seen["get_traces"] = act(Action(api="get_traces", args=(ns, 1)))
    seen["read_traces"] = act(Action(api="read_traces", args=(_csv(seen["get_traces"]),)))
    seen["exec_shell"] = act(Action.exec_shell(f"kubectl get deployments -n {ns}"))
    return seen


def _csv(export: Observation) -> str:
    """A CSV file an export wrote (a missing one when it wrote none: a documented error)."""
    match = _EXPORTED.search(export.text) if export.verdict == "ok" else None
    if match is not None:
        path = Path(match.group(1))
        if path.suffix == ".csv":
            return str(path)
        found = sorted(path.rglob("*.csv")) if path.is_dir() else []
        if found:
            return str(found[0])
    return "no-such-export.csv"


def _first_service(listing: str) -> str:
    rows = [line.split() for line in listing.splitlines()[1:] if line.strip()]
    # a pod name without its ReplicaSet and pod hashes: AIOpsLab's service name
    name = rows[0][0] if rows else "frontend"
    parts = name.split("-")
    return "-".join(parts[:-2]) if len(parts) > 2 else parts[0]


def _outcome(outcome: Any, problem: Problem, check: Check) -> None:
    check("evaluate returns an Outcome", isinstance(outcome, Outcome), repr(type(outcome)))
    check("the outcome names its task", outcome.task == problem.task_id, outcome.task)
    check("the outcome names its type", outcome.task_type == problem.task_type.value, "")


def _seeds(
    env: Environment, task_id: str, seed: int, first: Problem, replayable: bool, check: Check
) -> None:
    seen: list[list[str]] = []
    for _ in range(2):
        problem = env.reset(task_id, seed)
        check("the same seed gives the same problem", problem == first, "")
        ns = problem.namespace
        calls = (f"kubectl get pods -n {ns} -o wide", f"kubectl get deployments -n {ns}")
        seen.append([env.act(Action.exec_shell(c)).text for c in calls])
    if replayable:
        check("the same seed gives the same observations", seen[0] == seen[1], "")
