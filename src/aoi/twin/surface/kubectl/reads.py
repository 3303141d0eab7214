"""The reading verbs of kubectl on the twin: get, describe, logs, exec, top, events and friends."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.behaviour.logs import LogUnavailable
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl import copy, sessions
from aoi.twin.surface.kubectl.common import (
    CONTEXT,
    KubectlError,
    find_object,
    get_object,
    is_structured,
    list_objects,
    namespace_of,
    not_found,
    render_structured,
    resolve_type,
    split_type_name,
    to_json,
    to_yaml,
)
from aoi.twin.surface.kubectl.describe import describe as describe_object
from aoi.twin.surface.kubectl.printers import empty_message, print_names, print_table
from aoi.twin.surface.kubectl.resources import (
    ResourceInfo,
    UnknownResourceError,
    api_resources_table,
    resolve_many,
)
from aoi.twin.surface.kubectl.selectors import SelectorError, field_matcher, label_matcher
from aoi.twin.surface.kubectl.wait import wait

if TYPE_CHECKING:
    from aoi.twin.world import World

Handler = Callable[["World", Parsed, str], CommandResult]


# --- get --------------------------------------------------------------------------
def get(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    first = _get(twin, parsed, stdin)
    if not (parsed.get_bool("watch") or parsed.get_bool("watch-only")) or first.exit_code != 0:
        return first
    from aoi.twin.surface.kubectl.watch import watch_get

    # "No resources found" goes out first, then the watch goes on waiting for objects
    initial = "" if parsed.get_bool("watch-only") else first.stdout + first.stderr
    return watch_get(twin, parsed, initial)


def _get(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if parsed.get_list("filename"):
        raise KubectlError(
            "error: kubectl get -f is not supported by the twin; name the resource instead"
        )
    if not parsed.args:
        raise KubectlError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a '
            "complete list of supported resources.\n\nerror: Required resource not specified.\n"
            'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. '
            "kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
        )
    ns = namespace_of(twin, parsed)
    all_ns = parsed.get_bool("all-namespaces")
    output = parsed.get_str("output") or ""
    try:
        labels = label_matcher(parsed.get_str("selector"))
    except SelectorError as exc:
        raise KubectlError(f"error: {exc}") from None
    if "/" in parsed.args[0] or (len(parsed.args) > 1 and "," not in parsed.args[0]):
        return _get_named(twin, parsed, ns, output)
    try:
        infos = resolve_many(parsed.args[0])
    except UnknownResourceError as exc:
        raise KubectlError(str(exc)) from None
    multi = len(infos) > 1
    chunks: list[str] = []
    errors: list[str] = []
    collected: list[Obj] = []
    for info in infos:
        try:
            fields = field_matcher(parsed.get_str("field-selector"), info.kind, info.plural)
        except SelectorError as exc:
            raise KubectlError(
                str(exc) if str(exc).startswith("Error") else f"error: {exc}"
            ) from None
        scope = None if all_ns else ns
        objs = [o for o in list_objects(twin, info, scope) if labels(o) and fields(o)]
        objs = _sorted(objs, parsed.get_str("sort-by"), info)
        if is_structured(output) or output == "name":
            collected.extend(objs)
            continue
        if not objs:
            if not multi:
                errors.append(
                    empty_message(
                        info.kind, ns if info.namespaced else None, all_ns or not info.namespaced
                    )
                )
            continue
        chunks.append(
            print_table(
                info.kind,
                objs,
                now=twin.clock.now(),
                wide=output == "wide",
                show_labels=parsed.get_bool("show-labels"),
                all_namespaces=all_ns and info.namespaced,
                no_headers=parsed.get_bool("no-headers"),
                label_columns=parsed.get_list("label-columns"),
                with_kind=multi or parsed.get_bool("show-kind"),
            )
        )
    if output and output not in ("wide", "name") and not is_structured(output):
        render_structured(output, [], single=False)
    if output == "name":
        return CommandResult(print_names(collected))
    if is_structured(output):
        if not collected and output.startswith(("jsonpath", "custom")) is False and not multi:
            pass
        return render_structured(
            output, collected, single=False, no_headers=parsed.get_bool("no-headers")
        )
    if multi and not chunks:
        errors.append(empty_message("", ns, all_ns))
    stderr = "".join(e + "\n" for e in errors)
    return CommandResult("\n".join(chunks), stderr, 0)


def _get_named(twin: World, parsed: Parsed, ns: str, output: str) -> CommandResult:
    pairs = split_type_name(parsed.args)
    found: list[tuple[ResourceInfo, Obj]] = []
    errors: list[str] = []
    for info, name in pairs:
        if name is None:
            continue
        try:
            found.append((info, get_object(twin, info, ns, name)))
        except KubectlError as exc:
            if not parsed.get_bool("ignore-not-found"):
                errors.append(exc.message)
    stderr = "".join(errors)
    status = 1 if errors else 0
    if output == "name":
        return CommandResult(print_names([o for _, o in found]), stderr, status)
    if is_structured(output):
        if not found:
            return CommandResult("", stderr, status)
        res = render_structured(output, [o for _, o in found], single=len(pairs) == 1)
        return CommandResult(res.stdout, stderr + res.stderr, status or res.exit_code)
    kinds = {info.kind for info, _ in found}
    chunks = []
    for kind in dict.fromkeys(info.kind for info, _ in found):
        objs = [o for info, o in found if info.kind == kind]
        chunks.append(
            print_table(
                kind,
                objs,
                now=twin.clock.now(),
                wide=output == "wide",
                show_labels=parsed.get_bool("show-labels"),
                no_headers=parsed.get_bool("no-headers"),
                label_columns=parsed.get_list("label-columns"),
                with_kind=len(kinds) > 1 or parsed.get_bool("show-kind"),
            )
        )
    return CommandResult("\n".join(chunks), stderr, status)


def _sorted(objs: list[Obj], sort_by: str | None, info: ResourceInfo) -> list[Obj]:
    if not sort_by:
        return objs
    path = sort_by.strip("{}").lstrip(".")

    def key(obj: Obj) -> tuple[int, str | float]:
        value: object = obj
        for part in re.split(r"\.(?![^\[]*\])", path):
            m = re.match(r"^([^\[]+)(?:\[(\d+)\])?$", part)
            if m is None or not isinstance(value, dict):
                return (1, "")
            value = value.get(m.group(1))
            if m.group(2) is not None:
                value = (
                    value[int(m.group(2))]
                    if isinstance(value, list) and len(value) > int(m.group(2))
                    else None
                )
        if isinstance(value, int | float):
            return (0, float(value))
        return (0 if value is not None else 1, str(value or ""))

    return sorted(objs, key=key)


# --- describe --------------------------------------------------------------------------
def describe(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.args:
        raise KubectlError(
            'error: You must specify the type of resource to describe. Use "kubectl api-resources" '
            "for a complete list of supported resources."
        )
    ns = namespace_of(twin, parsed)
    all_ns = parsed.get_bool("all-namespaces")
    try:
        labels = label_matcher(parsed.get_str("selector"))
    except SelectorError as exc:
        raise KubectlError(f"error: {exc}") from None
    pairs = split_type_name(parsed.args)
    objs: list[Obj] = []
    errors: list[str] = []
    missing = False  # a named object not found fails the command; an empty list does not
    for info, name in pairs:
        if name is None:
            listed = [o for o in list_objects(twin, info, None if all_ns else ns) if labels(o)]
            if not listed:
                errors.append(
                    empty_message(info.kind, ns if info.namespaced else None, all_ns) + "\n"
                )
            objs.extend(listed)
            continue
        obj = find_object(twin, info, ns, name)
        if obj is None:
            # kubectl describe falls back to a prefix match on names
            prefixed = [
                o for o in list_objects(twin, info, ns) if o["metadata"]["name"].startswith(name)
            ]
            if prefixed:
                objs.extend(prefixed)
                continue
            errors.append(not_found(info, name) + "\n")
            missing = True
            continue
        objs.append(obj)
    now = twin.clock.now()
    # kubectl writes "\n\n" before every object but the first, each as its describer wrote it
    text = "\n\n".join(describe_object(o, store=twin.store, now=now) for o in objs)
    return CommandResult(text, "".join(errors), 1 if missing and not objs else 0)


# --- logs ------------------------------------------------------------------------------
_SINCE = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def _since_seconds(text: str | None) -> float | None:
    if not text:
        return None
    m = _SINCE.match(text)
    if m is None or not any(m.groups()):
        raise KubectlError(
            f'Error: invalid argument "{text}" for "--since" flag: time: invalid duration "{text}"\nSee \'kubectl logs --help\' for usage.'
        )
    h, mi, s = (int(g) if g else 0 for g in m.groups())
    return float(h * 3600 + mi * 60 + s)


def logs(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    ns = namespace_of(twin, parsed)
    since = _since_seconds(parsed.get_str("since"))
    tail = parsed.get_int("tail")
    if tail is not None and tail < 0:
        tail = None
    selector = parsed.get_str("selector")
    if selector:
        matcher = label_matcher(selector)
        pods = [p for p in twin.store.list("Pod", ns) if matcher(p)]
        if not pods:
            return CommandResult("", f"No resources found in {ns} namespace.\n")
        tail = 10 if tail is None else tail
        out = []
        for pod in pods[:5]:
            container = parsed.get_str("container") or pod["spec"]["containers"][0]["name"]
            text = _container_log(twin, pod, container, parsed, since, tail)
            if parsed.get_bool("prefix"):
                text = "".join(
                    f"[pod/{pod['metadata']['name']}/{container}] {line}\n"
                    for line in text.splitlines()
                )
            out.append(text)
        if parsed.get_bool("follow"):
            from aoi.twin.surface import limit

            limit.expire(twin, "".join(out))
        return CommandResult("".join(out))
    if not parsed.args:
        raise KubectlError(
            "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is "
            "a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"
        )
    pod = _pod_for(twin, ns, parsed.args[0])
    containers = [c["name"] for c in pod["spec"]["containers"]]
    container = parsed.get_str("container") or (parsed.args[1] if len(parsed.args) > 1 else None)
    if parsed.get_bool("all-containers"):
        return CommandResult(
            "".join(_container_log(twin, pod, c, parsed, since, tail) for c in containers)
        )
    if container is None:
        if len(containers) > 1:
            default = (
                pod["metadata"]
                .get("annotations", {})
                .get("kubectl.kubernetes.io/default-container", containers[0])
            )
            container = default
            note = f'Defaulted container "{default}" out of: {", ".join(containers)}\n'
        else:
            container, note = containers[0], ""
    else:
        note = ""
        if container not in containers:
            raise KubectlError(
                f"error: container {container} is not valid for pod {pod['metadata']['name']}"
            )
    text = _container_log(twin, pod, container, parsed, since, tail)
    if parsed.get_bool("follow") and not parsed.get_bool("previous"):
        return _follow(twin, pod, container, parsed, note + text)
    return CommandResult(text, note)


def _follow(twin: World, pod: Obj, container: str, parsed: Parsed, text: str) -> CommandResult:
    from aoi.twin.behaviour.logstyles import rfc3339_nano
    from aoi.twin.surface.kubectl.watch import follow_logs

    uid = pod["metadata"]["uid"]
    stamps = parsed.get_bool("timestamps")

    def running() -> object:
        rt = twin.controller.runtimes.get(uid, {}).get(container)
        return rt.started if rt is not None and rt.state == "running" else None

    def render(pairs: list[tuple[float, str]]) -> str:
        if stamps:
            return "".join(
                f"{rfc3339_nano(datetime.fromtimestamp(t, UTC))} {line}\n" for t, line in pairs
            )
        return "".join(line + "\n" for _, line in pairs)

    def lines(previous: bool) -> list[tuple[float, str]]:
        return twin.logs.lines(pod, container, previous=previous)

    return follow_logs(twin, text, lines, running, render)


def _pod_for(twin: World, ns: str, ref: str) -> Obj:
    """A pod from `name`, `pod/name`, `deployment/name`, `svc/name`, `job/name`..."""
    if "/" not in ref:
        pod = twin.store.get("Pod", ns, ref)
        if pod is None:
            raise KubectlError(f'Error from server (NotFound): pods "{ref}" not found')
        return pod
    kind_text, _, name = ref.partition("/")
    info = resolve_type(kind_text)
    if info.kind == "Pod":
        return _pod_for(twin, ns, name)
    owner = get_object(twin, info, ns, name)
    selector: dict[str, str] | None = None
    if info.kind == "Service":
        selector = owner["spec"].get("selector")
    elif info.kind == "Job":
        selector = {"job-name": name}
    else:
        selector = owner.get("spec", {}).get("selector", {}).get("matchLabels")
    pods = twin.store.list("Pod", ns, selector) if selector else []
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    return pods[0]


def _container_log(
    twin: World, pod: Obj, container: str, parsed: Parsed, since: float | None, tail: int | None
) -> str:
    previous = parsed.get_bool("previous")
    runtimes = twin.controller.runtimes.get(pod["metadata"]["uid"], {})
    rt = runtimes.get(container)
    name = pod["metadata"]["name"]
    if rt is None or (rt.started is None and rt.last is None):
        reason = rt.waiting_reason if rt else "ContainerCreating"
        raise KubectlError(
            f'Error from server (BadRequest): container "{container}" in pod "{name}" is waiting to start: '
            + (
                "trying and failing to pull image"
                if reason in ("ImagePullBackOff", "ErrImagePull")
                else reason
            )
        )
    if previous and rt.last is None:
        raise KubectlError(
            f'Error from server (BadRequest): previous terminated container "{container}" in pod "{name}" not found'
        )
    try:
        return twin.logs.container_log(
            pod,
            container,
            previous=previous,
            since_seconds=since,
            tail=tail,
            timestamps=parsed.get_bool("timestamps"),
        )
    except LogUnavailable as exc:
        raise KubectlError(f"Error from server (BadRequest): {exc.message}") from None


# --- exec ------------------------------------------------------------------------------
def exec_(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if (parsed.get_bool("tty") or parsed.get_bool("stdin")) and not parsed.after_dash:
        raise KubectlError(
            "error: an interactive shell needs a terminal, which the twin does not have"
        )
    ns = namespace_of(twin, parsed)
    if not parsed.args:
        raise KubectlError(
            "error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command\nSee 'kubectl exec -h' for help and examples"
        )
    command = parsed.after_dash or parsed.args[1:]
    if not command:
        raise KubectlError("error: you must specify at least one command for the container")
    pod = _pod_for(twin, ns, parsed.args[0])
    containers = [c["name"] for c in pod["spec"]["containers"]]
    container = parsed.get_str("container") or containers[0]
    if container not in containers:
        raise KubectlError(
            f"error: unable to upgrade connection: container {container} not found in pod {pod['metadata']['name']}"
        )
    rt = twin.controller.runtimes.get(pod["metadata"]["uid"], {}).get(container)
    if rt is None or rt.state != "running":
        raise KubectlError(
            f'error: unable to upgrade connection: container not found ("{container}")'
        )
    note = ""
    if parsed.get_str("container") is None and len(containers) > 1:
        note = f'Defaulted container "{container}" out of: {", ".join(containers)}\n'
    from aoi.twin.surface.container_exec import exec_in_container

    result = exec_in_container(twin, pod, container, list(command))
    stderr = note + result.stderr
    if result.exit_code != 0 and "command terminated with exit code" not in stderr:
        stderr += f"command terminated with exit code {result.exit_code}\n"
    return CommandResult(result.stdout, stderr, result.exit_code)


# --- top ------------------------------------------------------------------------------
def top(twin: World, what: str, parsed: Parsed) -> CommandResult:
    from aoi.twin.surface.kubectl.top import node_usage_table, pod_usage_table

    if what == "top node":
        return CommandResult(
            node_usage_table(
                twin, no_headers=parsed.get_bool("no-headers"), sort_by=parsed.get_str("sort-by")
            )
        )
    ns = namespace_of(twin, parsed)
    all_ns = parsed.get_bool("all-namespaces")
    try:
        labels = label_matcher(parsed.get_str("selector"))
    except SelectorError as exc:
        raise KubectlError(f"error: {exc}") from None
    if parsed.args:
        pod = twin.store.get("Pod", ns, parsed.args[0])
        if pod is None:
            raise KubectlError(f'Error from server (NotFound): pods "{parsed.args[0]}" not found')
        pods = [pod]
    else:
        pods = [p for p in twin.store.list("Pod", None if all_ns else ns) if labels(p)]
    text, err = pod_usage_table(
        twin,
        pods,
        all_namespaces=all_ns,
        containers=parsed.get_bool("containers"),
        no_headers=parsed.get_bool("no-headers"),
        sort_by=parsed.get_str("sort-by"),
        namespace=ns,
    )
    return CommandResult(text, err, 1 if err and not text else 0)


# --- events ------------------------------------------------------------------------------
def events(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    ns = namespace_of(twin, parsed)
    all_ns = parsed.get_bool("all-namespaces")
    target = parsed.get_str("for")
    about = None
    if target:
        kind_text, _, name = target.partition("/")
        about = (resolve_type(kind_text).kind, name)
    types = {t.strip() for group in parsed.get_list("types") for t in group.split(",")}

    def selected() -> list[Obj]:
        evs = twin.store.list("Event", None if all_ns else ns)
        if about is not None:
            evs = [
                e
                for e in evs
                if (e["involvedObject"]["kind"], e["involvedObject"]["name"]) == about
            ]
        if types:
            evs = [e for e in evs if e.get("type") in types]
        return sorted(evs, key=lambda e: e.get("lastTimestamp") or "")

    evs = selected()
    output = parsed.get_str("output")
    from aoi.twin.surface.kubectl.tabwriter import tabwrite
    from aoi.twin.surface.kubectl.values import since

    def row(e: Obj) -> str:
        inv = e["involvedObject"]
        obj = f"{inv['kind']}/{inv['name']}"
        count = e.get("count", 1)
        at = twin.clock.now()
        seen = since(e.get("lastTimestamp"), at)
        if count > 1:
            seen = f"{seen} (x{count} over {since(e.get('firstTimestamp'), at)})"
        text = f"{seen}\t{e.get('type', '')}\t{e.get('reason', '')}\t{obj}\t{e.get('message', '')}"
        return (e["metadata"]["namespace"] + "\t" if all_ns else "") + text

    if output:
        first = render_structured(output, evs, single=False)
    elif not evs:
        first = CommandResult(
            "", f"No events found in {ns} namespace.\n" if not all_ns else "No events found.\n"
        )
    else:
        head = ("NAMESPACE\t" if all_ns else "") + "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE"
        rows = [] if parsed.get_bool("no-headers") else [head]
        rows.extend(row(e) for e in evs)
        first = CommandResult(tabwrite("\n".join(rows) + "\n", minwidth=6, padding=3))
    if not parsed.get_bool("watch") or first.exit_code != 0:
        return first
    from aoi.twin.surface.kubectl.watch import watch_events

    def event_row(e: Obj) -> str:
        if output:
            return render_structured(output, [e], single=True).stdout
        return tabwrite(row(e) + "\n", minwidth=6, padding=3)

    return watch_events(twin, selected, first.stdout + first.stderr, event_row)


# --- small verbs ------------------------------------------------------------------------------
def version(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    server = twin.cluster.kubernetes_version
    data = {
        "clientVersion": {
            "major": "1",
            "minor": "32",
            "gitVersion": "v1.32.4",
            "platform": "linux/amd64",
        },
        "kustomizeVersion": "v5.5.0",
        "serverVersion": {
            "major": "1",
            "minor": server.lstrip("v").split(".")[1],
            "gitVersion": server,
            "platform": "linux/amd64",
        },
    }
    if parsed.get_bool("client"):
        data.pop("serverVersion")
    output = parsed.get_str("output")
    if output == "json":
        return CommandResult(to_json(data))
    if output == "yaml":
        return CommandResult(to_yaml(data))
    text = "Client Version: v1.32.4\nKustomize Version: v5.5.0\n"
    if not parsed.get_bool("client"):
        text += f"Server Version: {server}\n"
    return CommandResult(text)


def api_resources(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    return CommandResult(api_resources_table())


def api_versions(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    groups = sorted(
        {
            "v1",
            "apps/v1",
            "batch/v1",
            "storage.k8s.io/v1",
            "networking.k8s.io/v1",
            "policy/v1",
            "rbac.authorization.k8s.io/v1",
            "autoscaling/v2",
            "autoscaling/v1",
            "coordination.k8s.io/v1",
            "discovery.k8s.io/v1",
            "events.k8s.io/v1",
            "apiextensions.k8s.io/v1",
            "metrics.k8s.io/v1beta1",
            "scheduling.k8s.io/v1",
            "node.k8s.io/v1",
            "admissionregistration.k8s.io/v1",
            "apiregistration.k8s.io/v1",
            "authentication.k8s.io/v1",
            "authorization.k8s.io/v1",
            "certificates.k8s.io/v1",
            "flowcontrol.apiserver.k8s.io/v1",
        }
    )
    return CommandResult("".join(g + "\n" for g in groups))


def cluster_info(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    return CommandResult(
        "\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33mhttps://127.0.0.1:43585\x1b[0m\n"
        "\x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33mhttps://127.0.0.1:43585/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m\n\n"
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    )


def config(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    sub = parsed.args[0] if parsed.args else ""
    if sub == "current-context":
        return CommandResult(CONTEXT + "\n")
    if sub == "get-contexts":
        return CommandResult(
            f"CURRENT   NAME        CLUSTER     AUTHINFO    NAMESPACE\n*         {CONTEXT}   {CONTEXT}   {CONTEXT}   \n"
        )
    if sub in ("view", ""):
        return CommandResult(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n"
            f"    server: https://127.0.0.1:43585\n  name: {CONTEXT}\ncontexts:\n- context:\n"
            f"    cluster: {CONTEXT}\n    user: {CONTEXT}\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\n"
            f"kind: Config\npreferences: {{}}\nusers:\n- name: {CONTEXT}\n  user:\n"
            "    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"
        )
    raise KubectlError(
        f"error: the twin's kubeconfig is read-only; 'kubectl config {sub}' is not supported"
    )


def auth(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if parsed.args[:1] == ["can-i"]:
        return CommandResult("yes\n")
    if parsed.args[:1] == ["whoami"]:
        return CommandResult(
            "ATTRIBUTE   VALUE\nUsername    kubernetes-admin\nGroups      [kubeadm:cluster-admins system:authenticated]\n"
        )
    raise KubectlError("error: unknown command; use 'kubectl auth can-i' or 'kubectl auth whoami'")


def explain(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.args:
        raise KubectlError(
            'error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.'
        )
    path = parsed.args[0].split(".")
    info = resolve_type(path[0])
    group, _, ver = info.api_version.rpartition("/")
    field = ".".join(path[1:])
    head = f"GROUP:      {group}\n" if group else ""
    return CommandResult(
        f"{head}KIND:       {info.kind}\nVERSION:    {ver}\n\n"
        + (f"FIELD: {path[-1]}\n\n" if field else "")
        + "DESCRIPTION:\n    See the Kubernetes API reference for the fields of "
        + f"{info.kind}{'.' + field if field else ''}.\n"
    )


HANDLERS: dict[str, Handler] = {
    "get": get,
    "wait": wait,
    "cp": copy.cp,
    "port-forward": sessions.port_forward,
    "proxy": sessions.proxy,
    "attach": sessions.attach,
    "edit": sessions.edit,
    "debug": sessions.debug,
    "describe": describe,
    "logs": logs,
    "exec": exec_,
    "events": events,
    "version": version,
    "api-resources": api_resources,
    "api-versions": api_versions,
    "cluster-info": cluster_info,
    "config": config,
    "auth": auth,
    "explain": explain,
}
