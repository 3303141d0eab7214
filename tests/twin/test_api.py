"""AIOpsLab's agent API over the twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from aoi.shelltools import CommandResult
from aoi.twin import api
from aoi.twin.core import Twin

HOTEL = "test-hotel-reservation"


@pytest.fixture(scope="module")
def hotel() -> Twin:
    twin = Twin("hotel-reservation", seed=21)
    twin.tick(120)
    return twin


def test_get_logs_finds_the_pod_by_the_apps_label(hotel: Twin) -> None:
    text = api.get_logs(hotel, HOTEL, "geo")
    assert "Read database URL: mongodb-geo:27017" in text
    assert api.get_logs(hotel, "no-such-ns", "geo") == api.NO_SERVICE
    assert api.get_logs(hotel, HOTEL, "no-such-service") == api.NO_SERVICE


def test_get_logs_refuses_a_pod_with_several_containers() -> None:
    shop = Twin("astronomy-shop", seed=1)
    assert api.get_logs(shop, "astronomy-shop", "flagd") == api.NO_SERVICE
    assert "Ad service" in api.get_logs(shop, "astronomy-shop", "ad")


def test_dedupe_folds_repeated_lines() -> None:
    text = "\n".join(["a", "a", "a", "x 1", "x 2", "x 3", "x 4", "b", "c 1", "c 2"])
    assert api.dedupe(text) == "\n".join(["a", "x 1", "x 4", "b", "c 1", "c 2"])


def test_get_metrics_writes_a_folder_and_describes_it(hotel: Twin, tmp_path: Path) -> None:
    message = api.get_metrics(hotel, HOTEL, 5, run_dir=tmp_path)
    first, rest = message.split("\n", 1)
    assert first.startswith("Metrics data exported to directory: ")
    folder = Path(first.split(": ", 1)[1])
    assert folder.parent == tmp_path / "metrics_output" and folder.name.startswith("metric_2026")
    assert "Folder structure of exported metrics:\n" in rest
    assert (
        f"\n{folder.name}/\n    container/\n        kpi_container_cpu_cfs_periods_total.csv\n"
        in message
    )
    assert "    istio/" in message and "timestamp" not in message
    again = api.get_metrics(hotel, HOTEL, 5, run_dir=tmp_path)
    assert again.split("\n", 1)[0] != first
    table = api.read_metrics(str(folder / "container" / "kpi_container_threads.csv"))
    header = table.split("\n", 1)[0].split()
    assert header == ["timestamp", "cmdb_id", "kpi_name", "value"]
    assert (
        api.read_metrics(str(tmp_path / "nope.csv"))
        == f"error: Metrics file '{tmp_path / 'nope.csv'}' not found."
    )


def test_get_traces_and_read_traces(hotel: Twin, tmp_path: Path) -> None:
    message = api.get_traces(hotel, HOTEL, 5, run_dir=tmp_path)
    assert message.startswith("Traces data exported to: ")
    path = Path(message.split(": ", 1)[1])
    assert path.parent == tmp_path / "trace_output" and path.name.startswith("traces_")
    table = api.read_traces(str(path))
    assert table.split("\n", 1)[0].split() == [
        "trace_id",
        "span_id",
        "parent_span",
        "service_name",
        "operation_name",
        "start_time",
        "duration",
        "has_error",
        "response",
    ]
    assert " ROOT " in table
    assert (
        api.read_traces(str(tmp_path / "x.csv"))
        == f"error: Traces file '{tmp_path / 'x.csv'}' not found."
    )


def test_table_prints_like_pandas() -> None:
    assert api.table(["a", "bb"], [["1", "x"], ["22", "yyy"]]) == " a  bb\n 1   x\n22 yyy"
    assert api.table(["v"], [["0.5"], ["12.125"]]) == "     v\n 0.500\n12.125"
    assert api.table(["v"], []) == "Empty DataFrame\nColumns: [v]\nIndex: []"


class _FakeTwin:
    def __init__(self) -> None:
        self.commands: list[str] = []

    def run(self, command: str) -> CommandResult:
        self.commands.append(command)
        if "fail" in command:
            return CommandResult("", "boom\n", 1)
        return CommandResult("ok\n")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("kubectl edit deploy geo -n x", api.REFUSE_EDIT),
        ("kubectl -n x edit svc geo", api.REFUSE_EDIT),
        ("kubectl port-forward svc/jaeger 16686", api.REFUSE_PORT_FORWARD),
        ("kubectl logs -f geo-abc -n x", api.REFUSE_KUBECTL_FOLLOW),
        ("kubectl logs geo-abc --follow -n x", api.REFUSE_KUBECTL_FOLLOW),
        ("kubectl -n x logs -fp geo-abc", api.REFUSE_KUBECTL_FOLLOW),
        ("docker logs -f geo", api.REFUSE_DOCKER_FOLLOW),
    ],
)
def test_exec_shell_refuses_interactive_commands(command: str, message: str) -> None:
    fake = _FakeTwin()
    assert api.exec_shell(fake, command) == message  # type: ignore[arg-type]
    assert fake.commands == []


def test_exec_shell_runs_everything_else() -> None:
    fake = _FakeTwin()
    assert api.exec_shell(fake, "kubectl get pods -f manifest.yaml") == "ok\n"  # type: ignore[arg-type]
    assert api.exec_shell(fake, "kubectl fail") == "[ERROR] Command execution failed: boom\n"  # type: ignore[arg-type]


def test_exec_shell_on_the_twin(hotel: Twin) -> None:
    out = api.exec_shell(hotel, f"kubectl get pods -n {HOTEL}")
    assert out.startswith("NAME") and "geo-" in out
    missing = api.exec_shell(hotel, f"kubectl get pod nope -n {HOTEL}")
    assert (
        missing
        == '[ERROR] Command execution failed: Error from server (NotFound): pods "nope" not found\n'
    )
