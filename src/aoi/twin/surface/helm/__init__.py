"""`helm` v3.14 on the twin: list, status, get values|manifest, history, upgrade, rollback.

`run_helm` dispatches a verb to `reads` or `writes`; releases are stored as helm
stores them (`releases`), flags parsed as helm parses them (`args`), and values
printed as helm prints YAML (`goyaml`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aoi.shelltools import CommandResult
from aoi.twin.surface.helm.args import HelmError, parse_args
from aoi.twin.surface.helm.goyaml import to_yaml
from aoi.twin.surface.helm.reads import (
    cmd_get_manifest,
    cmd_get_values,
    cmd_history,
    cmd_list,
    cmd_status,
    cmd_version,
)
from aoi.twin.surface.helm.releases import merge
from aoi.twin.surface.helm.writes import cmd_rollback, cmd_upgrade

__all__ = ["merge", "run_helm", "to_yaml"]

if TYPE_CHECKING:
    from aoi.twin.world import World


def run_helm(twin: World, argv: list[str]) -> CommandResult:
    """Run `helm ARGV` against the twin; Helm's own errors come back as text (exit 1)."""
    try:
        return _dispatch(twin, argv)
    except HelmError as exc:
        return CommandResult("", f"Error: {exc}\n", 1)


def _dispatch(twin: World, argv: list[str]) -> CommandResult:
    if not argv or argv[0] in ("-h", "--help", "help"):
        return CommandResult(_HELP)
    verb, rest = argv[0], argv[1:]
    if verb == "get":
        if not rest or rest[0] not in ("values", "manifest", "all", "notes", "hooks", "metadata"):
            return CommandResult(_GET_HELP)
        verb, rest = rest[0], rest[1:]
    aliases = {"ls": "list", "hist": "history"}
    verb = aliases.get(verb, verb)
    handlers = {
        "list": cmd_list,
        "status": cmd_status,
        "values": cmd_get_values,
        "manifest": cmd_get_manifest,
        "history": cmd_history,
        "upgrade": cmd_upgrade,
        "rollback": cmd_rollback,
        "version": cmd_version,
    }
    handler = handlers.get(verb)
    if handler is None:
        hint = "Run 'helm --help' for usage."
        return CommandResult("", f'Error: unknown command "{verb}" for "helm"\n{hint}\n', 1)
    return handler(twin, parse_args(rest))


_HELP = """The Kubernetes package manager

Usage:
  helm [command]

Available Commands (on the twin):
  get         download extended information of a named release
  history     fetch release history
  list        list releases
  rollback    roll back a release to a previous revision
  status      display the status of the named release
  upgrade     upgrade a release
  version     print the client version information

Use "helm [command] --help" for more information about a command.
"""
_GET_HELP = """This command consists of multiple subcommands which can be used to
get extended information about the release, including:

- The values used to generate the release
- The generated manifest file
- The notes provided by the chart of the release
- The hooks associated with the release
- The metadata of the release

Usage:
  helm get [command]

Available Commands:
  all         download all information for a named release
  hooks       download all hooks for a named release
  manifest    download the manifest for a named release
  metadata    This command fetches metadata for a given release
  notes       download the notes for a named release
  values      download the values file for a named release
"""
