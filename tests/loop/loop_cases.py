"""Hand-made trajectories for the loop's tests: commands, a submission and an outcome."""

from __future__ import annotations

from typing import Any

from aoi.trajectories import CommandRecord, Step, Trajectory

Cmd = tuple[str, str, str, bool, int, str]  # role, command, verdict, allowed, exit, output


def read(command: str, output: str = "ok", exit_code: int = 0) -> Cmd:
    return ("probe", command, "READ", True, exit_code, output)


def write(command: str, output: str = "patched", exit_code: int = 0) -> Cmd:
    return ("executor", command, "WRITE", True, exit_code, output)


def refused(command: str) -> Cmd:
    return ("probe", command, "WRITE", False, 3, "refused: the Probe may not write")


def make(
    task_id: str,
    commands: list[Cmd],
    *,
    success: bool,
    submission: str | None = "submit()",
    ended_by: str = "submit",
    confidence: int = 90,
    status: str = "finished",
    error: str | None = None,
    strict: bool | None = None,
    outcome: dict[str, Any] | None = None,
) -> Trajectory:
    steps = [
        Step(
            index=i,
            iteration=i + 1,
            agent="executor" if role == "executor" else "probe",
            commands=[
                CommandRecord(
                    command=command,
                    role=role,
                    verdict=verdict,
                    allowed=allowed,
                    exit_code=code,
                    output_raw=out,
                )
            ],
            decision={"confidence": confidence},
        )
        for i, (role, command, verdict, allowed, code, out) in enumerate(commands)
    ]
    if submission is not None:
        steps.append(
            Step(
                index=len(steps),
                iteration=len(steps) + 1,
                agent="observer",
                api_call=submission,
                decision={"confidence": confidence},
            )
        )
    data = outcome if outcome is not None else {"success": success, "ended_by": ended_by}
    if strict is not None:
        data["strict_success"] = strict
    return Trajectory(
        run_id="hand",
        attempt_id=f"hand-{task_id}-{len(commands)}",
        task_id=task_id,
        seed=0,
        agent="hand",
        steps=steps,
        outcome=None if status == "failed" and outcome is None else data,
        status=status,  # type: ignore[arg-type]
        error=error,
    )
