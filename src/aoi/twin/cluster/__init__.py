"""The twin's Kubernetes control plane: object store, clock, controllers, scheduler, kubelet, events.

It knows Kubernetes objects and nothing of the applications: whether a container
comes up is asked of a `runtime.StartOracle` the world passes in.
"""
