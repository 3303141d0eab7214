"""Expert ablations: `without` disables named rule families, and the failures look real."""

from __future__ import annotations

import json

import pytest

from aoi.agents.expert import ExpertObserver
from aoi.agents.expert.rules import FAMILIES, RULES, UnknownRuleError, resolve_without
from aoi.agents.run import AgentSpec, run_task
from aoi.catalog import get_task


def test_every_rule_belongs_to_one_family() -> None:
    owned = [name for names in FAMILIES.values() for name in names]
    assert sorted(owned) == sorted(RULES)
    assert resolve_without(["mongo"]) == frozenset(FAMILIES["mongo"])
    assert resolve_without(["crash_loop", " "]) == {"crash_loop"}


def test_an_unknown_name_is_one_clear_error() -> None:
    with pytest.raises(UnknownRuleError, match=r"families: .*mongo"):
        ExpertObserver(without=["mongoo"])


def test_without_mongo_the_expert_blames_the_symptom() -> None:
    task = get_task("revoke_auth_mongodb-localization-1")
    full = run_task(task.id)
    ablated = run_task(task.id, agent=AgentSpec(without=("mongo",)))
    assert full.outcome.success and not ablated.outcome.success
    blamed = json.loads(ablated.record.submission.removeprefix("submit(").removesuffix(")"))
    # it names the database's client, which logs the errors, not the database
    assert blamed and blamed != list(task.truth.localization)
    assert all(
        name in ("geo", "rate", "profile", "recommendation", "reservation", "user")
        for name in blamed
    )


def test_without_mongo_a_mitigation_submits_with_no_repair() -> None:
    run = run_task("revoke_auth_mongodb-mitigation-1", agent=AgentSpec(without=("mongo",)))
    writes = [
        c for s in run.record.steps for c in s["commands"] if str(c["verdict"]).upper() == "WRITE"
    ]
    assert not run.outcome.success and writes == []


def test_an_ablation_leaves_other_families_working() -> None:
    run = run_task("scale_pod_zero_social_net-localization-1", agent=AgentSpec(without=("mongo",)))
    assert run.outcome.success
    assert AgentSpec(without=("mongo",)).describe() == "expert without mongo"
