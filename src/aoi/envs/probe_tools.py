"""ProbeTools: what the Probe may do to an environment, read through the gate, and nothing else.

The Probe is given this object instead of the environment. Shell commands go
through the gate's Probe channel (classified, refused unless they read, redacted,
audited); the read APIs (get_logs, get_metrics, read_metrics, get_traces,
read_traces) go through the same channel's `call`, so they are scoped to the
run's namespaces, redacted and audited too. There is no method that writes,
submits or reaches the environment otherwise: read-only is the shape of the
interface, not an `if` in the agent.
"""

from __future__ import annotations

import re
from typing import Any

from aoi.envs.base import APIS, READ_APIS, Action, Environment, to_action
from aoi.gate import Channel, ChannelResult, Role

__all__ = ["READ_APIS", "ProbeTools"]

_CALL = re.compile(r"^\s*(\w+)\s*\(")
# the calls that read a namespace, and which argument names it
_NAMESPACE_ARG = {"get_logs": 0, "get_metrics": 0, "get_traces": 0}


class ProbeTools:
    """The Probe's read-only view of an environment, bound to the gate's Probe channel.

    The namespace scope is the gate's (its policy): given once, to the runtime
    that built the gate, and applied to shell commands and API reads alike.
    """

    __slots__ = ("_channel", "_read")

    def __init__(self, env: Environment, channel: Channel) -> None:
        if channel.role is not Role.PROBE:
            raise ValueError("ProbeTools must be given the gate's Probe channel")
        self._channel = channel
        # only the environment's act is kept, and it is called with read API actions only
        self._read = env.act

    @property
    def role(self) -> Role:
        return self._channel.role

    # --- the reads ------------------------------------------------------------------------
    def exec_shell(self, command: str) -> ChannelResult:
        """A command line through the gate: it runs only if the gate judges it a read."""
        return self._channel.run(command)

    def get_logs(self, namespace: str, service: str) -> ChannelResult:
        return self._api("get_logs", (namespace, service))

    def get_metrics(self, namespace: str, duration: int = 5) -> ChannelResult:
        return self._api("get_metrics", (namespace, duration))

    def read_metrics(self, file_path: str) -> ChannelResult:
        return self._api("read_metrics", (file_path,))

    def get_traces(self, namespace: str, duration: int = 5) -> ChannelResult:
        return self._api("get_traces", (namespace, duration))

    def read_traces(self, file_path: str) -> ChannelResult:
        return self._api("read_traces", (file_path,))

    def call(self, text: str) -> ChannelResult:
        """One read as an agent writes it: `get_logs("ns", "svc")`, `exec_shell("...")`, or
        a plain command line. Any other call (submit, ...) is refused, and audited."""
        match = _CALL.match(text)
        if match is None or match.group(1) not in APIS:
            return self.exec_shell(text)
        action, error = to_action(f"```\n{text.strip()}\n```")
        if action is None:
            return self._channel.call(text.strip(), lambda: (error, 1))
        if action.api == "exec_shell":
            inner = action.args[0] if action.args else ""
            return self.exec_shell(str(inner))
        if action.api not in READ_APIS:
            return self._refuse(text.strip())
        return self._api(action.api, action.args)

    # --- inside ---------------------------------------------------------------------------
    def _api(self, api: str, args: tuple[Any, ...]) -> ChannelResult:
        written = f"{api}({', '.join(repr(a) for a in args)})"
        position = _NAMESPACE_ARG.get(api)
        namespace = str(args[position]) if position is not None and len(args) > position else None

        def run() -> tuple[str, int]:
            obs = self._read(Action(api=api, args=args))
            return obs.text, obs.exit_code

        return self._channel.call(written, run, namespace=namespace)

    def _refuse(self, written: str) -> ChannelResult:
        # audited as refused: the Probe reads, only the Observer submits
        return self._channel.call(written, _never, reads=False)

    def __repr__(self) -> str:
        return f"ProbeTools({self._channel!r})"


def _never() -> tuple[str, int]:  # pragma: no cover - the gate refuses before running it
    raise AssertionError("a refused call was run")
