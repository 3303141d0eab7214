"""The cluster twin: a simulated Kubernetes cluster running the AIOpsLab applications.

The public surface is small: `Twin(apps, seed)` or `Twin.fresh(apps, seed)` builds
one, `twin.run("kubectl get pods | grep geo")` runs a command line on it and
returns a `CommandResult`. The subpackages, lowest first: `cluster` (the control
plane), `apps` (the applications as data), `behaviour` (what their programs do),
`world` (the state tying them together), `surface` (what an agent can type),
`core` (the Twin), `faults` (injectors) and `api` (AIOpsLab's agent API).
"""

from aoi.shelltools import CommandResult
from aoi.twin.core import Twin

__all__ = ["CommandResult", "Twin"]
