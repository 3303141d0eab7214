"""Time: no symptom exists before the fault's moment, and a healthy twin is quiet.

AIOpsLab deploys the application, waits until it is ready, injects the fault and
only then lets the agent in. So in every task the history before the injection
is the healthy system's: the same events, restarts, log lines and spans a twin
without the fault shows, and each symptom of the fault (the first Warning event,
the first restart, the first error log line, the first error span) comes after it.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from aoi.catalog import get_task, list_tasks
from aoi.envs.twin import APP_KEYS
from aoi.twin.behaviour import logstyles as ls
from aoi.twin.behaviour import telemetry
from aoi.twin.behaviour.logs import LogUnavailable
from aoi.twin.core import Twin
from aoi.twin.faults import inject

SEED = 3
AFTER_SECONDS = 240.0  # how long the fault runs before the checks look

# an error-level line, in the words of each style the twin's programs log in
ERROR_LINE = re.compile(
    r"<error>|<fatal>|\[error\]|\[emerg\]|\x1b\[31m(?:ERR|FTL|PNC)|\b(?:ERR|FTL|PNC)\b"
    r'|"level":"error"|"severity":"error"|level=error|\bERROR\b|^fail: |^crit: |\bpanic:'
)


def _first_tasks() -> list[str]:
    """One task per fault family of the catalog (its first detection task)."""
    first: dict[str, str] = {}
    for task in list_tasks():
        first.setdefault(task.fault, task.id)
    return sorted(first.values())


TASKS = _first_tasks()


def _time(text: str | None) -> float:
    if not text:
        return float("-inf")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def _warnings(twin: Twin, ns: str) -> dict[tuple[str, str, str], float]:
    """Warning events: (reason, kind, object) -> when first seen."""
    out: dict[tuple[str, str, str], float] = {}
    for ev in twin.store.list("Event", ns):
        if ev.get("type") != "Warning":
            continue
        obj = ev["involvedObject"]
        key = (ev["reason"], obj.get("kind", ""), obj.get("name", ""))
        first = _time(ev.get("firstTimestamp") or ev.get("eventTime"))
        out[key] = min(first, out.get(key, float("inf")))
    return out


def _terminations(twin: Twin, ns: str) -> set[tuple[str, str, float]]:
    """(pod, container, finishedAt) of every container run that ended and was restarted."""
    out = set()
    for pod in twin.store.list("Pod", ns):
        for cs in pod.get("status", {}).get("containerStatuses", []):
            term = (cs.get("lastState") or {}).get("terminated")
            if term and cs.get("restartCount", 0):
                out.add((pod["metadata"]["name"], cs["name"], _time(term.get("finishedAt"))))
    return out


def _log_lines(twin: Twin, ns: str) -> dict[tuple[str, str], list[tuple[float, str]]]:
    """Every container's current log, by (pod uid, container)."""
    return {key: runs[0] for key, runs in _log_runs(twin, ns).items() if runs}


def _log_runs(twin: Twin, ns: str) -> dict[tuple[str, str], list[list[tuple[float, str]]]]:
    """Every container's current run's log and its previous one's, by (pod uid, container)."""
    out: dict[tuple[str, str], list[list[tuple[float, str]]]] = {}
    for pod in twin.store.list("Pod", ns):
        if not pod["spec"].get("nodeName"):
            continue
        for c in pod["spec"].get("containers", []):
            runs = []
            for previous in (False, True):
                try:
                    runs.append(twin.logs.lines(pod, c["name"], previous=previous))
                except LogUnavailable:  # still creating, or no run before this one
                    continue
            out[(pod["metadata"]["uid"], c["name"])] = runs
    return out


@functools.cache
def _runs(task_id: str) -> dict[str, Any]:
    """The healthy twin at the injection moment, and the same twin some minutes after it."""
    task = get_task(task_id)
    healthy = Twin.fresh(APP_KEYS[task.app.value], SEED)
    ns = task.namespace
    moment = healthy.clock.now().timestamp()
    before = {
        "warnings": _warnings(healthy, ns),
        "terminations": _terminations(healthy, ns),
        "logs": _log_lines(healthy, ns),
    }
    faulty = Twin.fresh(APP_KEYS[task.app.value], SEED)
    inject(faulty, task)
    faulty.tick(AFTER_SECONDS)
    # the fault's moment: its first write (an injector may wait a little before it)
    assert faulty.first_change is not None and faulty.first_change >= moment
    return {
        "ns": ns,
        "moment": faulty.first_change,
        "healthy_until": moment,
        "before": before,
        "twin": faulty,
        "warnings": _warnings(faulty, ns),
        "terminations": _terminations(faulty, ns),
        "logs": _log_lines(faulty, ns),
        "runs": _log_runs(faulty, ns),
        "traces": telemetry.traces(faulty, ns, 10),
    }


def _symptoms(run: dict[str, Any]) -> list[tuple[str, float, str]]:
    """What the fault added to the healthy system: (kind, when, what)."""
    before, moment = run["before"], run["moment"]
    out: list[tuple[str, float, str]] = []
    for key, first in run["warnings"].items():
        if key not in before["warnings"]:
            out.append(("warning event", first, " ".join(key)))
    for pod, container, finished in run["terminations"] - before["terminations"]:
        out.append(("restart", finished, f"{pod}/{container}"))
    for key, lines in run["logs"].items():
        old = {line for _, line in before["logs"].get(key, [])}
        for t, line in lines:
            if ERROR_LINE.search(line) and line not in old:
                out.append(("error log line", t, line[:160]))
                break
    for row in run["traces"]:
        if row[7]:
            out.append(("error span", row[5] / 1_000_000, f"{row[3]} {row[4]}"))
            break
    assert all(isinstance(t, float) for _, t, _ in out) and moment > 0
    return out


@pytest.mark.parametrize("task_id", TASKS)
def test_no_symptom_before_the_injection(task_id: str) -> None:
    run = _runs(task_id)
    early = [s for s in _symptoms(run) if s[1] < run["moment"]]
    assert not early, f"{task_id}: symptoms before the injection: {early[:5]}"


@pytest.mark.parametrize("task_id", TASKS)
def test_history_before_the_injection_is_the_healthy_systems(task_id: str) -> None:
    """Every log line a container printed before the injection is the healthy twin's."""
    run = _runs(task_id)
    moment = run["healthy_until"]
    for key, runs in run["runs"].items():
        if key not in run["before"]["logs"]:
            continue  # a container the fault started
        old = [(t, line) for t, line in run["before"]["logs"][key] if t < moment]
        # the run that was up at the injection: still current, or the one the fault ended
        same = [lines for lines in runs if lines and old and lines[0][0] == old[0][0]]
        if old and not same and len(runs) == 2:
            continue  # restarted more than once since: kubelet keeps one dead container
        new = [(t, line) for t, line in (same or runs)[0] if t < moment] if runs else []
        assert new == old, f"{task_id}: {key} printed another history before the injection"
    for key, first in run["warnings"].items():
        assert first >= moment or key in run["before"]["warnings"], (task_id, key)
    assert not any(r[7] for r in run["traces"] if r[5] / 1_000_000 < moment), task_id


# faults whose only symptoms are latency and resource use (metrics and span durations)
QUIET_FAULTS = {
    "astronomy_shop_ad_service_high_cpu",
    "astronomy_shop_ad_service_manual_gc",  # getAds warns; log4j's pattern prints no level
    "astronomy_shop_recommendation_service_cache_failure",  # the cache leaks memory
    "astronomy_shop_image_slow_load",
    "astronomy_shop_loadgenerator_flood_homepage",
    "network_delay_hotel_res",
    "noop",
}


@pytest.mark.parametrize("task_id", TASKS)
def test_a_fault_shows_after_its_moment(task_id: str) -> None:
    run = _runs(task_id)
    symptoms = _symptoms(run)
    if get_task(task_id).fault in QUIET_FAULTS:
        return
    assert symptoms, f"{task_id}: the fault shows nothing in events, restarts, logs or spans"
    assert min(t for _, t, _ in symptoms) >= run["moment"]


@pytest.mark.parametrize("app", sorted(set(APP_KEYS.values())))
def test_a_healthy_twin_prints_start_up_and_no_errors(app: str) -> None:
    twin = Twin.fresh(app, SEED)
    twin.tick(600)
    ns = next(iter(twin.apps))
    for (_uid, container), lines in _log_lines(twin, ns).items():
        errors = [line for _, line in lines if ERROR_LINE.search(line)]
        assert not errors, f"{app} {container}: {errors[:3]}"
    # programs whose code logs nothing per request at the default level print their
    # start-up lines and nothing more, however long they run
    for pod in twin.store.list("Pod", ns):
        cspec = pod["spec"]["containers"][0]
        program = twin.oracle.program_of(pod, cspec)
        style = ls.style_for(program, cspec["name"])
        if program is None or style.key not in ("go-hotel", "cpp-thrift"):
            continue
        lines = twin.logs.lines(pod, cspec["name"])
        start = min(t for t, _ in lines)
        assert max(t for t, _ in lines) - start < 5.0, (app, pod["metadata"]["name"])
