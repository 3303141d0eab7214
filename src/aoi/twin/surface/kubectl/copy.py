"""`kubectl cp`: files between this machine and a container, through `tar` in the container.

kubectl runs `tar cf - PATH` in the container and unpacks the stream here (so
the image needs tar, and tar's own messages come back); copying into a
container reads a local file, and the shell AIOpsLab runs commands in has none
an agent could have written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.surface.kubectl.common import KubectlError, namespace_of

if TYPE_CHECKING:
    from aoi.twin.world import World


def _remote(spec: str) -> tuple[str | None, str, str] | None:
    """`[ns/]pod:path` -> (ns, pod, path); None for a local path."""
    head, colon, path = spec.partition(":")
    if not colon or not head or ("/" in head.split("/", 1)[-1] and head.count("/") > 1):
        return None
    ns, _, pod = head.rpartition("/")
    return (ns or None), pod, path


def cp(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if len(parsed.args) != 2:
        raise KubectlError(
            "error: source and destination are required\nSee 'kubectl cp -h' for help and examples"
        )
    src, dest = parsed.args
    source, target = _remote(src), _remote(dest)
    if source is None and target is None:
        raise KubectlError("error: one of src or dest must be a remote file specification")
    if source is None:
        raise KubectlError(f"error: {src} doesn't exist in local filesystem")
    if target is not None:
        raise KubectlError("error: one of src or dest must be a local file specification")
    ns, pod_name, path = source
    if not path:
        raise KubectlError("error: remote path cannot be empty")
    namespace = ns or namespace_of(twin, parsed)
    pod = twin.store.get("Pod", namespace, pod_name)
    if pod is None:
        raise KubectlError(f'Error from server (NotFound): pods "{pod_name}" not found')
    containers = [c["name"] for c in pod["spec"]["containers"]]
    container = parsed.get_str("container") or containers[0]
    from aoi.twin.surface.container_exec import Box, exec_in_container

    spec = next((c for c in pod["spec"]["containers"] if c["name"] == container), None)
    if spec is None:
        raise KubectlError(
            f"error: unable to upgrade connection: container {container} not found in pod {pod_name}"
        )
    # the container must run (exec's own errors), and its image must have tar: every image
    # with a userland does, distroless ones have neither a shell nor tar
    probe = exec_in_container(twin, pod, container, ["true"])
    if probe.exit_code != 0 and probe.exit_code != 126:
        raise KubectlError(probe.stderr.rstrip("\n"))
    box = Box(twin, pod, spec)
    if "sh" not in box.image.binaries:
        raise KubectlError(
            "OCI runtime exec failed: exec failed: unable to start container process: "
            'exec: "tar": executable file not found in $PATH: unknown\n'
            "command terminated with exit code 126"
        )
    where = box.absolute(path)
    if where not in box.files() and not box.is_dir(where):
        raise KubectlError(
            f"tar: {path.lstrip('/')}: Cannot stat: No such file or directory\n"
            "tar: Exiting with failure status due to previous errors\n"
            "command terminated with exit code 2"
        )
    note = "tar: Removing leading `/' from member names\n" if path.startswith("/") else ""
    return CommandResult("", note)
