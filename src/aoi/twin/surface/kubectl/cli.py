"""`kubectl` on the twin: parse the command line as kubectl does and dispatch the verb."""

from __future__ import annotations

import difflib
import pickle
from typing import TYPE_CHECKING

from aoi.kube.flags import VERB_FLAGS, VERBS, FlagError, parse_flags
from aoi.shelltools import CommandResult
from aoi.twin.surface.kubectl import reads
from aoi.twin.surface.kubectl.common import KubectlError

if TYPE_CHECKING:
    from aoi.twin.world import World

WRITE_VERBS = frozenset(
    {
        "rollout",
        "patch",
        "scale",
        "set",
        "delete",
        "apply",
        "label",
        "annotate",
        "create",
        "cordon",
        "uncordon",
        "drain",
        "taint",
        "replace",
        "expose",
        "autoscale",
        "run",
    }
)


def run_kubectl(twin: World, argv: list[str], stdin: str = "") -> CommandResult:
    """One kubectl invocation (argv without the leading `kubectl`); never raises."""
    try:
        return _dispatch(twin, argv, stdin)
    except KubectlError as exc:
        return exc.result()
    except FlagError as exc:
        return CommandResult("", str(exc) + "\n", 1)


def _dispatch(twin: World, argv: list[str], stdin: str) -> CommandResult:
    verb_index = _verb_index(argv)
    if verb_index is None:
        return CommandResult(_USAGE)
    verb = argv[verb_index]
    rest = argv[:verb_index] + argv[verb_index + 1 :]
    if verb in ("-h", "--help", "help"):
        return CommandResult(_USAGE)
    if verb not in VERBS:
        return _unknown_command(verb)
    if verb == "top":
        return _top(twin, rest)
    if verb in WRITE_VERBS:
        from aoi.twin.surface.kubectl.writes import run_write

        table = VERB_FLAGS.get(verb, {})
        parsed = parse_flags(rest, table, verb)
        # a write that fails half-way must not leave the cluster half-changed
        saved = pickle.dumps(twin.__getstate__(), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            return run_write(twin, verb, parsed, stdin)
        except (KubectlError, FlagError):
            raise
        except BaseException:  # restored, then passed on
            twin.__setstate__(pickle.loads(saved))
            raise
    table = VERB_FLAGS.get(verb, {})
    parsed = parse_flags(rest, table, verb)
    handler = reads.HANDLERS.get(verb)
    if handler is None:
        return _unknown_command(verb)
    return handler(twin, parsed, stdin)


def _verb_index(argv: list[str]) -> int | None:
    """The verb is the first word that is not a global flag or its value."""
    i = 0
    takes_value = {
        "-n",
        "--namespace",
        "--context",
        "--cluster",
        "--kubeconfig",
        "--user",
        "-s",
        "--server",
        "--token",
        "--as",
        "--as-group",
        "--request-timeout",
        "-v",
    }
    while i < len(argv):
        arg = argv[i]
        if arg in takes_value:
            i += 2
            continue
        if arg.startswith("-") and arg not in ("-h", "--help"):
            i += 1
            continue
        return i
    return None


def _top(twin: World, rest: list[str]) -> CommandResult:
    if not rest or rest[0] not in ("pod", "pods", "po", "node", "nodes", "no"):
        if rest and not rest[0].startswith("-"):
            return CommandResult(
                "",
                f"error: unknown command \"{rest[0]}\"\nSee 'kubectl top -h' for help and examples\n",
                1,
            )
        return CommandResult(_TOP_USAGE)
    what = "top pod" if rest[0] in ("pod", "pods", "po") else "top node"
    parsed = parse_flags(rest[1:], VERB_FLAGS[what], what)
    return reads.top(twin, what, parsed)


def _unknown_command(verb: str) -> CommandResult:
    close = difflib.get_close_matches(verb, VERBS, n=3, cutoff=0.6)
    text = f'error: unknown command "{verb}" for "kubectl"'
    if close:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{c}\n" for c in close)
    else:
        text += "\nRun 'kubectl --help' for usage.\n"
    return CommandResult("", text, 1)


_USAGE = """kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Cluster Management Commands:
  certificate     Modify certificate resources
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  attach          Attach to a running container
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod
  proxy           Run a proxy to the Kubernetes API server
  cp              Copy files and directories to and from containers
  auth            Inspect authorization
  debug           Create debugging sessions for troubleshooting workloads and nodes
  events          List events

Advanced Commands:
  diff            Diff the live version against a would-be applied version
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  kustomize       Build a kustomization target from a directory or URL

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource
  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)

Subcommands provided by plugins:

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  config          Modify kubeconfig files
  plugin          Provides utilities for interacting with plugins
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""

_TOP_USAGE = """Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use "kubectl top <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""
