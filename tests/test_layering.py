"""Imports in src/aoi point one way, as docs/architecture.md draws them.

Every module belongs to a unit: a top-level package of `aoi` (`aoi.gate`), a
top-level module (`aoi.telemetry_schema`) or, inside the twin, a subpackage or
module (`aoi.twin.cluster`, `aoi.twin.world`). `DEPENDS` says which units each
unit may import directly; anything those may import is allowed too, so a unit
imports only what lies below it. Every import counts, including the ones under
`TYPE_CHECKING` and inside functions: a type-only dependency is a dependency.
A new unit must be added to `DEPENDS` (and to docs/architecture.md) to pass.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Units every unit may import: the foundation the whole package stands on.
FOUNDATION = ("aoi.errors", "aoi.config")

# unit -> the units it may import directly (the rest follows by transitivity).
DEPENDS: dict[str, tuple[str, ...]] = {
    "aoi.errors": (),
    "aoi.config": (),
    "aoi.catalog": (),
    "aoi.kube": (),
    "aoi.shelltools": (),
    "aoi.shell": (),
    "aoi.telemetry_schema": (),
    "aoi.agent_api": (),
    # the twin, lowest first
    "aoi.twin.cluster": (),
    "aoi.twin.apps": ("aoi.twin.cluster",),
    "aoi.twin.behaviour": ("aoi.twin.apps", "aoi.telemetry_schema"),
    "aoi.twin.world": ("aoi.twin.behaviour",),
    "aoi.twin.surface": ("aoi.twin.world", "aoi.shelltools", "aoi.kube", "aoi.shell"),
    "aoi.twin.core": ("aoi.twin.surface",),
    "aoi.twin.faults": ("aoi.twin.core", "aoi.catalog"),
    "aoi.twin.api": ("aoi.twin.core", "aoi.agent_api"),
    "aoi.twin": ("aoi.twin.api", "aoi.twin.faults"),
    # the rest of AOI
    "aoi.gate": ("aoi.kube", "aoi.shell"),
    "aoi.llm": (),
    "aoi.trajectories": ("aoi.catalog",),
    "aoi.envs": ("aoi.twin", "aoi.gate", "aoi.shelltools", "aoi.telemetry_schema", "aoi.agent_api"),
    "aoi.apiserver": ("aoi.twin",),
    "aoi.agents": ("aoi.envs", "aoi.gate", "aoi.llm"),
    "aoi.loop": ("aoi.trajectories", "aoi.llm", "aoi.agents"),
    "aoi.train": ("aoi.loop", "aoi.trajectories", "aoi.agents"),
    "aoi.bench": ("aoi.agents", "aoi.trajectories", "aoi.loop"),
    "aoi.cli": ("aoi.bench", "aoi.train", "aoi.apiserver"),
    "aoi": (),
}

# The twin's units: a module `aoi.twin.<name>...` belongs to `aoi.twin.<name>`.
TWIN_UNITS = frozenset(u.removeprefix("aoi.twin.") for u in DEPENDS if u.startswith("aoi.twin."))


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(src: Path) -> dict[str, set[str]]:
    """module -> the `aoi` modules it imports, for every module under src/aoi."""
    files = {module_name(p, src): p for p in sorted((src / "aoi").rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from aoi.twin import api` imports the module aoi.twin.api
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in files]
                targets.update(subs or [base])
        graph[name] = {t for t in targets if t == "aoi" or t.startswith("aoi.")}
    return graph


def unit_of(module: str) -> str:
    parts = module.split(".")
    if parts[:2] == ["aoi", "twin"] and len(parts) > 2 and parts[2] in TWIN_UNITS:
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def allowed(depends: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """unit -> every unit it may import: itself, the foundation, and all below it."""
    out: dict[str, set[str]] = {}

    def below(unit: str, seen: tuple[str, ...]) -> set[str]:
        if unit in out:
            return out[unit]
        if unit in seen:
            raise ValueError(f"DEPENDS has a cycle: {' -> '.join((*seen, unit))}")
        reach = {unit, *FOUNDATION}
        for dep in depends.get(unit, ()):
            reach |= below(dep, (*seen, unit))
        out[unit] = reach
        return reach

    for unit in depends:
        below(unit, ())
    return out


def violations(
    graph: Mapping[str, Iterable[str]], depends: Mapping[str, Iterable[str]] = DEPENDS
) -> list[str]:
    """One line per import that points up or sideways, or that comes from an undeclared unit."""
    reach = allowed(depends)
    problems: list[str] = []
    for module, targets in sorted(graph.items()):
        unit = unit_of(module)
        if unit not in reach:
            problems.append(f"{module}: unit {unit} is not declared in DEPENDS")
            continue
        for target in sorted(targets):
            if unit_of(target) not in reach[unit]:
                problems.append(
                    f"{module} imports {target}: {unit} may not depend on {unit_of(target)}"
                )
    return problems


def unit_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one unit in the unit-level import graph."""
    edges: dict[str, set[str]] = {}
    for module, targets in graph.items():
        for target in targets:
            a, b = unit_of(module), unit_of(target)
            if a != b:
                edges.setdefault(a, set()).add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


# --- the layout as built ------------------------------------------------------------


def test_imports_point_down() -> None:
    assert violations(import_graph(SRC)) == []


def test_no_cycle_between_units() -> None:
    assert unit_cycles(import_graph(SRC)) == []


def test_every_twin_subpackage_is_declared() -> None:
    twin = SRC / "aoi" / "twin"
    found = {p.name for p in twin.iterdir() if (p / "__init__.py").exists()}
    found |= {p.stem for p in twin.glob("*.py") if p.stem != "__init__"}
    assert found == TWIN_UNITS


def test_the_live_environment_does_not_import_the_twin() -> None:
    """The live path shares AIOpsLab's text (`aoi.agent_api`), not the twin's code."""
    graph = import_graph(SRC)
    live = {
        m: t
        for m, t in graph.items()
        if m.startswith(("aoi.envs.live", "aoi.envs.prometheus", "aoi.envs.jaeger"))
    }
    assert live, "the live environment's modules moved: update this test"
    assert {m: sorted(x for x in t if x.startswith("aoi.twin")) for m, t in live.items()} == {
        m: [] for m in live
    }


# --- the check itself fails where it must ---------------------------------------------


def test_an_upward_import_is_caught() -> None:
    graph = {
        "aoi.twin.cluster.store": {"aoi.twin.cluster.clock"},
        "aoi.twin.cluster.clock": {"aoi.twin.surface.shell"},
        "aoi.twin.surface.shell": {"aoi.twin.cluster.store"},
    }
    assert violations(graph) == [
        "aoi.twin.cluster.clock imports aoi.twin.surface.shell: "
        "aoi.twin.cluster may not depend on aoi.twin.surface"
    ]
    assert unit_cycles(graph) == [["aoi.twin.cluster", "aoi.twin.surface"]]


def test_a_sideways_import_is_caught() -> None:
    # gate and the twin are side by side: neither knows the other
    assert violations({"aoi.gate.policy": {"aoi.twin.core"}}) != []
    assert violations({"aoi.shelltools.jq": {"aoi.twin.behaviour.logs"}}) != []


def test_type_only_and_lazy_imports_count(tmp_path: Path) -> None:
    """An upward import written into a copy of the tree is found, under TYPE_CHECKING too."""
    shutil.copytree(SRC / "aoi", tmp_path / "aoi")
    clock = tmp_path / "aoi" / "twin" / "cluster" / "clock.py"
    clock.write_text(
        clock.read_text(encoding="utf-8")
        + "\nif TYPE_CHECKING:\n    from aoi.twin.core import Twin\n"
        + "\ndef _late() -> None:\n    from aoi.twin.surface import shell\n",
        encoding="utf-8",
    )
    found = violations(import_graph(tmp_path))
    assert found == [
        "aoi.twin.cluster.clock imports aoi.twin.core: aoi.twin.cluster may not depend on aoi.twin.core",
        "aoi.twin.cluster.clock imports aoi.twin.surface.shell: "
        "aoi.twin.cluster may not depend on aoi.twin.surface",
    ]


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    package = tmp_path / "aoi" / "gate"
    package.mkdir(parents=True)
    (tmp_path / "aoi" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "lexer.py").write_text("")
    (package / "policy.py").write_text("from ..twin import core\nfrom . import lexer\n")
    assert import_graph(tmp_path)["aoi.gate.policy"] == {"aoi.twin", "aoi.gate.lexer"}


def test_an_undeclared_unit_is_reported() -> None:
    assert violations({"aoi.newthing.x": {"aoi.catalog"}}) == [
        "aoi.newthing.x: unit aoi.newthing is not declared in DEPENDS"
    ]


def test_a_cycle_in_the_declared_layers_is_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        allowed({"aoi.a": ("aoi.b",), "aoi.b": ("aoi.a",)})
