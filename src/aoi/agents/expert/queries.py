"""The read commands the expert runs, each tagged with the parser that reads its output.

Outputs are made compact on purpose (jsonpath, one object per line, grep of the
log lines that matter) so that they fit the Compressor's per-command budget whole
and the Observer sees facts rather than tables cut in the middle.
"""

from __future__ import annotations

from dataclasses import dataclass

# Log lines worth reading: errors, warnings, timeouts, refusals, slowness, auth.
LOG_PATTERN = "error|warn|WRN|ERR|fail|timed out|timeout|refused|slow|unavailable|unauthori|not authorized|panic|fatal"
# The phrases in which a component's log names a peer it failed to use (Go gRPC, Thrift,
# Consul, the MongoDB C driver), and the database a service says it connects to.
PEER_PATTERN = "|".join(
    [
        "dial tcp [0-9.]+:[0-9]+: [a-z/ ]+",
        "<Host: [A-Za-z0-9.-]+ Port: [0-9]+>: [A-Za-z ]+",
        "Could not connect to [A-Za-z0-9.-]+:[0-9]+ [(][a-z ]+[)]",
        "slow response from [A-Za-z0-9.-]+:[0-9]+: took [0-9]+",
        "no healthy instances of srv-[A-Za-z0-9-]+",
        "calling ismaster on '[A-Za-z0-9.-]+:[0-9]+'",
        "failed to connect to mongodb [A-Za-z0-9.-]+:[0-9]+",
        "not authorized on [A-Za-z0-9_-]+ to execute",
        "Authentication failed",
        "Read database URL: [A-Za-z0-9.-]+:[0-9]+",
    ]
)
MONGO_LOG_PATTERN = "Authentication failed|not authorized|Unauthorized|UserNotFound|SSL|TLS|denied"


@dataclass(frozen=True)
class Query:
    """One read: the command line and the kind of output it gives (for the parser)."""

    command: str
    kind: str
    subject: str = ""


def _jsonpath(fields: list[str]) -> str:
    body = "|".join("{" + f + "}" for f in fields)
    return "'{range .items[*]}" + body + '{"\\n"}{end}' + "'"


POD_FIELDS = [
    ".metadata.name",
    ".status.phase",
    ".status.containerStatuses[*].ready",
    ".status.containerStatuses[*].restartCount",
    ".status.containerStatuses[*].state.waiting.reason",
    ".status.containerStatuses[*].lastState.terminated.reason",
    ".status.containerStatuses[*].lastState.terminated.finishedAt",
    ".status.startTime",
    ".spec.containers[*].image",
    ".status.podIP",
]
DEPLOYMENT_FIELDS = [
    ".metadata.name",
    ".spec.replicas",
    ".status.readyReplicas",
    ".spec.template.spec.containers[*].name",
    ".spec.template.spec.containers[*].image",
    ".spec.template.spec.containers[*].command",
    ".spec.template.spec.nodeSelector",
    ".spec.template.spec.containers[*].ports[*].containerPort",
]
SERVICE_FIELDS = [".metadata.name", ".spec.ports[*].port", ".spec.ports[*].targetPort"]


def pods(ns: str) -> Query:
    return Query(f"kubectl get pods -n {ns} -o jsonpath={_jsonpath(POD_FIELDS)}", "pods")


def deployments(ns: str) -> Query:
    return Query(
        f"kubectl get deployments -n {ns} -o jsonpath={_jsonpath(DEPLOYMENT_FIELDS)}", "deployments"
    )


def services(ns: str) -> Query:
    return Query(
        f"kubectl get services -n {ns} -o jsonpath={_jsonpath(SERVICE_FIELDS)}", "services"
    )


def warning_events(ns: str) -> Query:
    return Query(
        f"kubectl get events -n {ns} --field-selector type=Warning --sort-by=.lastTimestamp | tail -n 30",
        "events",
    )


def nodes() -> Query:
    return Query(
        "kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}|{.metadata.labels}{\"\\n\"}{end}'",
        "nodes",
    )


def pvcs(ns: str) -> Query:
    fields = [".metadata.name", ".status.phase", ".spec.volumeName", ".spec.storageClassName"]
    return Query(f"kubectl get pvc -n {ns} -o jsonpath={_jsonpath(fields)}", "pvcs")


def pvs() -> Query:
    fields = [
        ".metadata.name",
        ".status.phase",
        ".spec.claimRef.namespace",
        ".spec.claimRef.name",
        ".spec.storageClassName",
    ]
    return Query(f"kubectl get pv -o jsonpath={_jsonpath(fields)}", "pvs")


def flags(ns: str) -> Query:
    return Query(
        f"kubectl get configmap flagd-config -n {ns} -o jsonpath='{{.data.demo\\.flagd\\.json}}' "
        "| jq -r '.flags | to_entries[] | \"\\(.key)=\\(.value.defaultVariant)\"'",
        "flags",
    )


def crash_log(ns: str, deployment: str) -> Query:
    return Query(
        f"kubectl logs deploy/{deployment} -n {ns} --previous --tail=25", "crash_log", deployment
    )


def log_grep(ns: str, deployment: str) -> Query:
    """Which peers a component's log names in failures, counted: short enough to survive compression whole."""
    return Query(
        f'kubectl logs deploy/{deployment} -n {ns} --tail=300 | grep -oE "{PEER_PATTERN}" '
        "| sort | uniq -c | sort -rn | head -n 8",
        "log_grep",
        deployment,
    )


def log_head(ns: str, deployment: str) -> Query:
    """The start of a container's log: which program it is and what it connects to."""
    return Query(f"kubectl logs deploy/{deployment} -n {ns} --tail=12", "log_head", deployment)


def mongo_log(ns: str, deployment: str) -> Query:
    return Query(
        f"kubectl logs deploy/{deployment} -n {ns} --tail=300 | grep -E '{MONGO_LOG_PATTERN}' | tail -n 3",
        "mongo_log",
        deployment,
    )


def mongo_users(ns: str, deployment: str, user: str = "root", password: str = "root") -> Query:
    return Query(
        f"kubectl exec deploy/{deployment} -n {ns} -- mongo admin -u {user} -p {password} "
        "--authenticationDatabase admin --quiet --eval 'db.getUsers()'",
        "mongo_users",
        deployment,
    )


def helm_list(ns: str) -> Query:
    return Query(f"helm list -n {ns}", "helm_list")


def helm_values(ns: str, release: str) -> Query:
    return Query(f"helm get values {release} -n {ns}", "helm_values", release)


def helm_history(ns: str, release: str) -> Query:
    return Query(f"helm history {release} -n {ns}", "helm_history", release)
