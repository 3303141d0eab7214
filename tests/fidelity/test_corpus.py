"""The twin's output compared in form with real excerpts (see README.md and corpus.yaml)."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from aoi.envs.twin import TwinEnvironment

CORPUS = Path(__file__).with_name("corpus.yaml")
DEFAULT_TASK = {
    "hotel": "noop_detection_hotel_reservation-1",
    "social": "noop_detection_social_network-1",
    "astronomy": "noop_detection_astronomy_shop-1",
}
LOG_LABEL = {
    "test-hotel-reservation": "io.kompose.service",
    "test-social-network": "app",
    "astronomy-shop": "app.kubernetes.io/name",
}
NAMESPACE = {
    "hotel": "test-hotel-reservation",
    "social": "test-social-network",
    "astronomy": "astronomy-shop",
}
MODES = ("lines", "header", "fragment", "none_extra")

# --- masking: what varies between runs becomes a placeholder ------------------------
_SAFE = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet of generated Kubernetes name suffixes
_MASKS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (
        re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?"),
        "<ts>",
    ),
    (re.compile(r"\d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+"), "<ts>"),
    (re.compile(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}"), "<ts>"),
    (re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}"), "<ts>"),
    (re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"), "<ts>"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "<ip>"),
    (re.compile(rf"-[{_SAFE}]{{6,10}}-[{_SAFE}]{{5}}(?![a-z0-9])"), "-<rs>-<pod>"),
    (re.compile(rf"-[{_SAFE}]{{8,10}}(?![a-z0-9])"), "-<rs>"),
    (re.compile(rf"-[{_SAFE}]{{5}}(?![a-z0-9])"), "-<pod>"),
    (re.compile(r"\b0x[0-9a-f]+\b"), "<addr>"),
    # hex runs keep their width: a 16-digit and a 32-digit trace id differ in form
    (
        re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b"),
        lambda m: "<hex" + "#" * len(m.group(0)) + ">",
    ),
    # Go's Duration strings too: 59.837s, 1m5.117s, 2h0m0s
    (re.compile(r"\b\d+(?:\.\d+)?(?:ms|s|m|h|d)(?:\d+(?:\.\d+)?(?:ms|s|m|h))*\b"), "<dur>"),
    (re.compile(r"\d+"), "<n>"),
    (re.compile(r"[ \t]+"), " "),
]
_ANSI = re.compile(r"\x1b\[([0-9;]*)m")
_LETTERS = str.maketrans("0123456789;", "abcdefghij,")


def shape(line: str, *, plain: bool = False) -> str:
    """A line's form: times, ids, addresses, durations and counts masked, spaces collapsed."""
    if plain:
        line = _ANSI.sub("", line)
    # colour codes are form: keep them, spelled without digits so no mask touches them
    line = _ANSI.sub(lambda m: "{" + m.group(1).translate(_LETTERS) + "}", line)
    for pattern, token in _MASKS:
        line = pattern.sub(token, line)
    return line.strip()


# --- the corpus -----------------------------------------------------------------------
@dataclass(frozen=True)
class Excerpt:
    id: str
    kind: str
    app: str
    source: str
    text: str
    probe: dict[str, Any]
    compare: str = "lines"
    plain: bool = False
    subst: tuple[tuple[str, str], ...] = ()
    xfail: str | None = None

    def lines(self) -> list[str]:
        text = self.text
        for old, new in self.subst:
            text = text.replace(old, new)
        return [line for line in text.split("\n") if line.strip()]


def load() -> tuple[dict[str, str], list[Excerpt]]:
    raw = yaml.safe_load(CORPUS.read_text())
    sources: dict[str, str] = raw["sources"]
    out = []
    for item in raw["excerpts"]:
        out.append(
            Excerpt(
                id=item["id"],
                kind=item["kind"],
                app=item["app"],
                source=item["source"],
                text=item["excerpt"],
                probe=item.get("probe", {}),
                compare=item.get("compare", "lines"),
                plain=bool(item.get("plain", False)),
                subst=tuple((item.get("subst") or {}).items()),
                xfail=item.get("xfail"),
            )
        )
    return sources, out


SOURCES, EXCERPTS = load()


# --- asking the twin --------------------------------------------------------------------
def _call(env: TwinEnvironment, text: str) -> str:
    return env.act(f"```\n{text}\n```").text


def _resolve(env: TwinEnvironment, call: str, namespace: str) -> str:
    def pod(match: re.Match[str]) -> str:
        label = LOG_LABEL[namespace]
        jsonpath = "{.items[0].metadata.name}"
        cmd = (
            f"kubectl get pods -n {namespace} -l {label}={match.group(1)} -o jsonpath='{jsonpath}'"
        )
        return _call(env, f'exec_shell("{cmd}")').strip()

    call = re.sub(r"\{pod:([a-z0-9-]+)\}", pod, call)
    if "{traces}" in call:
        reply = _call(env, f'get_traces("{namespace}", 5)')
        found = re.search(r"(/\S+\.csv)", reply)
        path = found.group(1) if found else "/missing.csv"
        call = call.replace("{traces}", repr(path))
    return call


@functools.cache
def twin_answer(excerpt_id: str) -> str:
    """What the twin prints for the excerpt's probe (every repeat joined)."""
    ex = next(e for e in EXCERPTS if e.id == excerpt_id)
    probe = ex.probe
    env = TwinEnvironment()
    try:
        env.reset(probe.get("task", DEFAULT_TASK[ex.app]), int(probe.get("seed", 0)))
        namespace = NAMESPACE[ex.app]
        for step in probe.get("steps", ()):
            _call(env, _resolve(env, step, namespace))
        if probe.get("wait") and env.twin is not None:
            env.twin.tick(float(probe["wait"]))
        outputs = []
        for _ in range(int(probe.get("repeat", 1))):
            outputs.append(_call(env, _resolve(env, probe["call"], namespace)))
            if probe.get("every") and env.twin is not None:
                env.twin.tick(float(probe["every"]))
        return "\n".join(outputs)
    finally:
        env.close()


def missing(ex: Excerpt, answer: str) -> list[str]:
    """The excerpt lines whose form the twin's answer lacks (empty: the forms agree)."""
    want = [shape(line, plain=ex.plain) for line in ex.lines()]
    have_lines = [shape(line, plain=ex.plain) for line in answer.split("\n") if line.strip()]
    have = set(have_lines)
    if ex.compare == "header":
        head = want[0].split(" ")
        ok = any(line.split(" ") == head for line in have_lines)
        return [] if ok else [want[0]]
    if ex.compare == "fragment":
        joined = "\n".join(have_lines)
        return [w for w in want if w not in joined]
    lost = [w for w in want if w not in have]
    if ex.compare == "none_extra":
        allowed = set(want)
        lost += [f"(extra) {h}" for h in have_lines if h not in allowed]
    return lost


def agreement() -> tuple[int, int, Counter[str], Counter[str]]:
    matched, total = 0, 0
    by_kind, by_kind_ok = Counter(), Counter()
    for ex in EXCERPTS:
        total += 1
        by_kind[ex.kind] += 1
        if not missing(ex, twin_answer(ex.id)):
            matched += 1
            by_kind_ok[ex.kind] += 1
    return matched, total, by_kind, by_kind_ok


# --- tests -------------------------------------------------------------------------------
def test_corpus_is_well_formed() -> None:
    ids = [e.id for e in EXCERPTS]
    assert len(ids) == len(set(ids)), "excerpt ids must be unique"
    assert len(EXCERPTS) >= 60
    for ex in EXCERPTS:
        assert ex.source in SOURCES or ex.source.startswith(("github.com/", "https://")), ex.id
        assert ex.compare in MODES, ex.id
        assert ex.app in DEFAULT_TASK, ex.id
        assert "call" in ex.probe, ex.id
        assert ex.lines(), ex.id
    apps = {e.app for e in EXCERPTS if e.kind == "logs"}
    assert apps == set(DEFAULT_TASK), "logs of every application"
    assert {e.kind for e in EXCERPTS} >= {
        "logs",
        "events",
        "describe",
        "errors",
        "traces",
        "api",
        "shell",
    }


def test_masking_keeps_form_and_drops_values() -> None:
    a = "2026-06-30T05:32:55Z INF registry/registry.go:91 > address: 10.244.27.3:8082"
    b = "2026-11-26T08:51:09Z INF registry/registry.go:17 > address: 10.244.1.12:8083"
    assert shape(a) == shape(b)
    assert shape("trace 1f3a9c0e5b7d2468") != shape("trace 1f3a9c0e5b7d24681f3a9c0e5b7d2468")
    assert shape("pulled in 59.837s (1m5.117s including waiting)") == shape(
        "pulled in 369ms (2h0m0s including waiting)"
    )
    assert shape("Created container: x") != shape("Created container x")
    assert shape("geo-84fbc958c7-lxb9r 1/1 Running 3 (5m17s ago) 5m34s") == shape(
        "geo-jzggsfsrjh-7xzvj 0/1 Running 12 (2s ago) 46s"
    )


@pytest.mark.parametrize(
    "excerpt",
    [
        pytest.param(e, id=e.id, marks=pytest.mark.xfail(reason=e.xfail, strict=True))
        if e.xfail
        else pytest.param(e, id=e.id)
        for e in EXCERPTS
    ],
)
def test_twin_agrees_in_form(excerpt: Excerpt) -> None:
    answer = twin_answer(excerpt.id)
    lost = missing(excerpt, answer)
    assert not lost, (
        f"{excerpt.id} ({SOURCES.get(excerpt.source, excerpt.source)}): the twin lacks\n  "
        + "\n  ".join(lost[:8])
        + "\n--- twin said (first lines):\n"
        + "\n".join(answer.split("\n")[:12])
    )


def test_agreement_figure(capsys: pytest.CaptureFixture[str]) -> None:
    matched, total, by_kind, ok = agreement()
    known = sum(1 for e in EXCERPTS if e.xfail)
    with capsys.disabled():
        parts = ", ".join(f"{k} {ok[k]}/{n}" for k, n in sorted(by_kind.items()))
        print(f"\nfidelity agreement: {matched}/{total} ({100 * matched / total:.0f}%): {parts}")
    # every excerpt not marked as a known disagreement agrees
    assert matched == total - known
