"""kubectl describe output of the twin, checked line by line against kubectl v1.32.

The EXPECTED_* texts were produced by real `kubectl describe` (v1.32.4) against a stub API
server serving these same objects, then re-dated to the twin's clock; the test keeps the
twin's describers byte-identical to them, trailing spaces included.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest

from aoi.twin.cluster.clock import EPOCH, SimClock
from aoi.twin.cluster.store import Store
from aoi.twin.surface.kubectl.describe import describe

NOW = EPOCH
NS = "test-hotel-reservation"


def ts(now: datetime, **delta: float) -> str:
    return (now - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def objects(now: datetime) -> list[dict]:
    node_uid = "6a0c7e7e-1b7a-4f0e-9d8a-2f1c3b4a5d6e"
    dep_uid = "0d3f1c2b-7a8e-4b5c-9d6e-1f2a3b4c5d6e"
    rs_uid = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
    old_rs_uid = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"
    pod_uid = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"
    pod2_uid = "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a"
    template = {
        "metadata": {
            "labels": {"io.kompose.service": "geo"},
            "annotations": {
                "kompose.cmd": "kompose convert",
                "kompose.version": "1.22.0 (955b78124)",
            },
        },
        "spec": {
            "containers": [
                {
                    "name": "hotel-reserv-geo",
                    "image": "yinfangchen/hotelreservation:latest",
                    "command": ["geo"],
                    "ports": [{"containerPort": 8083, "protocol": "TCP"}],
                    "env": [
                        {"name": "JAEGER_SAMPLE_RATIO", "value": "1"},
                        {
                            "name": "MONGO_PASSWORD",
                            "valueFrom": {
                                "secretKeyRef": {"name": "mongodb-geo", "key": "password"}
                            },
                        },
                        {
                            "name": "POD_NAME",
                            "valueFrom": {
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}
                            },
                        },
                    ],
                    "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "100m"}},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "imagePullPolicy": "Always",
                }
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": {},
            "schedulerName": "default-scheduler",
        },
    }
    rs_template = copy.deepcopy(template)
    rs_template["metadata"]["labels"]["pod-template-hash"] = "6b8c9d7f5"
    old_template = copy.deepcopy(template)
    old_template["metadata"]["labels"]["pod-template-hash"] = "5f7d8c6b4"
    old_template["spec"]["containers"][0]["image"] = "yinfangchen/hotelreservation:v1"

    def pod(
        name,
        uid,
        started,
        state,
        last=None,
        ready=True,
        restarts=0,
        ip="10.244.1.12",
        phase="Running",
    ):
        spec = copy.deepcopy(rs_template["spec"])
        spec["containers"][0]["volumeMounts"] = [
            {
                "name": "kube-api-access-x7v2k",
                "readOnly": True,
                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
            }
        ]
        spec.update(
            {
                "volumes": [
                    {
                        "name": "kube-api-access-x7v2k",
                        "projected": {
                            "sources": [
                                {
                                    "serviceAccountToken": {
                                        "expirationSeconds": 3607,
                                        "path": "token",
                                    }
                                },
                                {
                                    "configMap": {
                                        "name": "kube-root-ca.crt",
                                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                    }
                                },
                                {
                                    "downwardAPI": {
                                        "items": [
                                            {
                                                "path": "namespace",
                                                "fieldRef": {
                                                    "apiVersion": "v1",
                                                    "fieldPath": "metadata.namespace",
                                                },
                                            }
                                        ]
                                    }
                                },
                            ],
                            "defaultMode": 420,
                        },
                    }
                ],
                "serviceAccountName": "default",
                "serviceAccount": "default",
                "nodeName": "kind-worker",
                "enableServiceLinks": True,
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "tolerations": [
                    {
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": 300,
                    },
                    {
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": 300,
                    },
                ],
            }
        )
        cs = {
            "name": "hotel-reserv-geo",
            "state": state,
            "lastState": last or {},
            "ready": ready,
            "restartCount": restarts,
            "image": "docker.io/yinfangchen/hotelreservation:latest",
            "imageID": "docker.io/yinfangchen/hotelreservation@sha256:c14b5e2a9d7d5b3e8b2a5c1d0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918",
            "containerID": "containerd://4f1c2b9e8d7a6c5b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
            "started": ready,
        }
        rtrue = "True" if ready else "False"
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "generateName": "geo-6b8c9d7f5-",
                "namespace": NS,
                "uid": uid,
                "resourceVersion": "48213",
                "creationTimestamp": ts(now, hours=3),
                "labels": {"io.kompose.service": "geo", "pod-template-hash": "6b8c9d7f5"},
                "annotations": {
                    "kompose.cmd": "kompose convert",
                    "kompose.version": "1.22.0 (955b78124)",
                },
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "ReplicaSet",
                        "name": "geo-6b8c9d7f5",
                        "uid": rs_uid,
                        "controller": True,
                        "blockOwnerDeletion": True,
                    }
                ],
            },
            "spec": spec,
            "status": {
                "phase": phase,
                "conditions": [
                    {
                        "type": "PodReadyToStartContainers",
                        "status": "True",
                        "lastProbeTime": None,
                        "lastTransitionTime": ts(now, hours=3),
                    },
                    {
                        "type": "Initialized",
                        "status": "True",
                        "lastProbeTime": None,
                        "lastTransitionTime": ts(now, hours=3),
                    },
                    {
                        "type": "Ready",
                        "status": rtrue,
                        "lastProbeTime": None,
                        "lastTransitionTime": started,
                    },
                    {
                        "type": "ContainersReady",
                        "status": rtrue,
                        "lastProbeTime": None,
                        "lastTransitionTime": started,
                    },
                    {
                        "type": "PodScheduled",
                        "status": "True",
                        "lastProbeTime": None,
                        "lastTransitionTime": ts(now, hours=3),
                    },
                ],
                "hostIP": "172.18.0.3",
                "hostIPs": [{"ip": "172.18.0.3"}],
                "podIP": ip,
                "podIPs": [{"ip": ip}],
                "startTime": ts(now, hours=3),
                "containerStatuses": [cs],
                "qosClass": "Burstable",
            },
        }

    running = pod(
        "geo-6b8c9d7f5-x2k4j",
        pod_uid,
        ts(now, hours=3),
        {"running": {"startedAt": ts(now, hours=3)}},
    )
    crashing = pod(
        "geo-6b8c9d7f5-q9m7w",
        pod2_uid,
        ts(now, hours=3),
        {
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": "back-off 5m0s restarting failed container=hotel-reserv-geo pod=geo-6b8c9d7f5-q9m7w_test-hotel-reservation(d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a)",
            }
        },
        last={
            "terminated": {
                "exitCode": 2,
                "reason": "Error",
                "startedAt": ts(now, minutes=47),
                "finishedAt": ts(now, minutes=46),
                "containerID": "containerd://9e8d",
            }
        },
        ready=False,
        restarts=12,
        ip="10.244.1.13",
    )
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "geo",
            "namespace": NS,
            "uid": dep_uid,
            "resourceVersion": "48300",
            "generation": 2,
            "creationTimestamp": ts(now, hours=3),
            "labels": {"io.kompose.service": "geo"},
            "annotations": {
                "deployment.kubernetes.io/revision": "2",
                "kompose.cmd": "kompose convert",
                "kompose.version": "1.22.0 (955b78124)",
            },
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"io.kompose.service": "geo"}},
            "template": template,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "observedGeneration": 2,
            "replicas": 2,
            "updatedReplicas": 2,
            "readyReplicas": 1,
            "availableReplicas": 1,
            "unavailableReplicas": 1,
            "conditions": [
                {
                    "type": "Progressing",
                    "status": "True",
                    "lastUpdateTime": ts(now, hours=2),
                    "lastTransitionTime": ts(now, hours=3),
                    "reason": "NewReplicaSetAvailable",
                    "message": 'ReplicaSet "geo-6b8c9d7f5" has successfully progressed.',
                },
                {
                    "type": "Available",
                    "status": "False",
                    "lastUpdateTime": ts(now, minutes=50),
                    "lastTransitionTime": ts(now, minutes=50),
                    "reason": "MinimumReplicasUnavailable",
                    "message": "Deployment does not have minimum availability.",
                },
            ],
        },
    }

    def rs(name, uid, tmpl, replicas, ready, rev, age):
        return {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": NS,
                "uid": uid,
                "resourceVersion": "48290",
                "generation": 1,
                "creationTimestamp": ts(now, **age),
                "labels": copy.deepcopy(tmpl["metadata"]["labels"]),
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": "2",
                    "deployment.kubernetes.io/max-replicas": "3",
                    "deployment.kubernetes.io/revision": rev,
                    "kompose.cmd": "kompose convert",
                    "kompose.version": "1.22.0 (955b78124)",
                },
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "name": "geo",
                        "uid": dep_uid,
                        "controller": True,
                        "blockOwnerDeletion": True,
                    }
                ],
            },
            "spec": {
                "replicas": replicas,
                "selector": {
                    "matchLabels": {
                        "io.kompose.service": "geo",
                        "pod-template-hash": tmpl["metadata"]["labels"]["pod-template-hash"],
                    }
                },
                "template": tmpl,
            },
            "status": {
                "replicas": replicas,
                "fullyLabeledReplicas": replicas,
                "readyReplicas": ready,
                "availableReplicas": ready,
                "observedGeneration": 1,
            },
        }

    new_rs = rs("geo-6b8c9d7f5", rs_uid, rs_template, 2, 1, "2", {"hours": 2})
    old_rs = rs("geo-5f7d8c6b4", old_rs_uid, old_template, 0, 0, "1", {"hours": 3})
    old_rs["status"] = {"replicas": 0, "observedGeneration": 2}
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "geo",
            "namespace": NS,
            "uid": "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b",
            "resourceVersion": "47001",
            "creationTimestamp": ts(now, hours=3),
            "labels": {"io.kompose.service": "geo"},
            "annotations": {
                "kompose.cmd": "kompose convert",
                "kompose.version": "1.22.0 (955b78124)",
            },
        },
        "spec": {
            "ports": [{"name": "8083", "protocol": "TCP", "port": 8083, "targetPort": 8083}],
            "selector": {"io.kompose.service": "geo"},
            "clusterIP": "10.96.142.7",
            "clusterIPs": ["10.96.142.7"],
            "type": "ClusterIP",
            "sessionAffinity": "None",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "internalTrafficPolicy": "Cluster",
        },
        "status": {"loadBalancer": {}},
    }
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {
            "name": "geo",
            "namespace": NS,
            "uid": "f6a7b8c9-d0e1-4f2a-8b3c-4d5e6f7a8b9c",
            "resourceVersion": "48250",
            "creationTimestamp": ts(now, hours=3),
            "labels": {"io.kompose.service": "geo"},
            "annotations": {
                "endpoints.kubernetes.io/last-change-trigger-time": ts(now, minutes=46)
            },
        },
        "subsets": [
            {
                "addresses": [
                    {
                        "ip": "10.244.1.12",
                        "nodeName": "kind-worker",
                        "targetRef": {
                            "kind": "Pod",
                            "namespace": NS,
                            "name": "geo-6b8c9d7f5-x2k4j",
                            "uid": pod_uid,
                        },
                    }
                ],
                "notReadyAddresses": [
                    {
                        "ip": "10.244.1.13",
                        "nodeName": "kind-worker",
                        "targetRef": {
                            "kind": "Pod",
                            "namespace": NS,
                            "name": "geo-6b8c9d7f5-q9m7w",
                            "uid": pod2_uid,
                        },
                    }
                ],
                "ports": [{"name": "8083", "port": 8083, "protocol": "TCP"}],
            }
        ],
    }
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": "kind-worker",
            "uid": node_uid,
            "resourceVersion": "48100",
            "creationTimestamp": ts(now, days=2, hours=1),
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": "kind-worker",
                "kubernetes.io/os": "linux",
            },
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {
            "podCIDR": "10.244.1.0/24",
            "podCIDRs": ["10.244.1.0/24"],
            "providerID": "kind://docker/kind/kind-worker",
        },
        "status": {
            "capacity": {
                "cpu": "8",
                "ephemeral-storage": "102626232Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16331484Ki",
                "pods": "110",
            },
            "allocatable": {
                "cpu": "8",
                "ephemeral-storage": "102626232Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16331484Ki",
                "pods": "110",
            },
            "conditions": [
                {
                    "type": "MemoryPressure",
                    "status": "False",
                    "lastHeartbeatTime": ts(now, minutes=1),
                    "lastTransitionTime": ts(now, days=2),
                    "reason": "KubeletHasSufficientMemory",
                    "message": "kubelet has sufficient memory available",
                },
                {
                    "type": "DiskPressure",
                    "status": "False",
                    "lastHeartbeatTime": ts(now, minutes=1),
                    "lastTransitionTime": ts(now, days=2),
                    "reason": "KubeletHasNoDiskPressure",
                    "message": "kubelet has no disk pressure",
                },
                {
                    "type": "PIDPressure",
                    "status": "False",
                    "lastHeartbeatTime": ts(now, minutes=1),
                    "lastTransitionTime": ts(now, days=2),
                    "reason": "KubeletHasSufficientPID",
                    "message": "kubelet has sufficient PID available",
                },
                {
                    "type": "Ready",
                    "status": "True",
                    "lastHeartbeatTime": ts(now, minutes=1),
                    "lastTransitionTime": ts(now, days=2),
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                },
            ],
            "addresses": [
                {"type": "InternalIP", "address": "172.18.0.3"},
                {"type": "Hostname", "address": "kind-worker"},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": "2b7c6d1e9f0a4b3c8d5e6f7a1b2c3d4e",
                "systemUUID": "7e1d2c3b-4a5f-6e7d-8c9b-0a1f2e3d4c5b",
                "bootID": "3c2b1a09-8f7e-6d5c-4b3a-291807f6e5d4",
                "kernelVersion": "6.8.0-1015-gcp",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "containerRuntimeVersion": "containerd://1.7.18",
                "kubeletVersion": "v1.32.0",
                "kubeProxyVersion": "v1.32.0",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }
    namespace = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": NS,
            "uid": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "resourceVersion": "46000",
            "creationTimestamp": ts(now, hours=3),
            "labels": {"kubernetes.io/metadata.name": NS},
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "mongo-geo-script",
            "namespace": NS,
            "uid": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
            "resourceVersion": "46010",
            "creationTimestamp": ts(now, hours=3),
        },
        "data": {
            "init-mongo.sh": "#!/bin/bash\nmongo admin --eval \"db.createUser({user: 'admin', pwd: 'admin', roles: ['root']})\"",
            "k2": "v2",
        },
    }
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "mongodb-geo",
            "namespace": NS,
            "uid": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
            "resourceVersion": "46020",
            "creationTimestamp": ts(now, hours=3),
        },
        "type": "Opaque",
        "data": {"password": "YWRtaW4=", "username": "YWRtaW4="},
    }
    sa = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": "default",
            "namespace": NS,
            "uid": "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a",
            "resourceVersion": "46001",
            "creationTimestamp": ts(now, hours=3),
        },
    }
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": "geo-pv",
            "uid": "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b",
            "resourceVersion": "46100",
            "creationTimestamp": ts(now, hours=3),
            "annotations": {"pv.kubernetes.io/bound-by-controller": "yes"},
            "finalizers": ["kubernetes.io/pv-protection"],
        },
        "spec": {
            "capacity": {"storage": "1Gi"},
            "hostPath": {"path": "/tmp/geo-pv", "type": ""},
            "accessModes": ["ReadWriteOnce"],
            "claimRef": {
                "kind": "PersistentVolumeClaim",
                "namespace": NS,
                "name": "geo-pvc",
                "uid": "5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c",
                "apiVersion": "v1",
                "resourceVersion": "46110",
            },
            "persistentVolumeReclaimPolicy": "Retain",
            "storageClassName": "geo-storage",
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Bound", "lastPhaseTransitionTime": ts(now, hours=3)},
    }
    pvc = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": "geo-pvc",
            "namespace": NS,
            "uid": "5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c",
            "resourceVersion": "46120",
            "creationTimestamp": ts(now, hours=3),
            "annotations": {"pv.kubernetes.io/bind-completed": "yes"},
            "finalizers": ["kubernetes.io/pvc-protection"],
        },
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
            "volumeName": "geo-pv",
            "storageClassName": "geo-storage",
            "volumeMode": "Filesystem",
        },
        "status": {
            "phase": "Bound",
            "accessModes": ["ReadWriteOnce"],
            "capacity": {"storage": "1Gi"},
        },
    }
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": "wrk2-job",
            "namespace": "default",
            "uid": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
            "resourceVersion": "47500",
            "generation": 1,
            "creationTimestamp": ts(now, minutes=30),
            "labels": {
                "batch.kubernetes.io/controller-uid": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
                "batch.kubernetes.io/job-name": "wrk2-job",
                "controller-uid": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
                "job-name": "wrk2-job",
            },
        },
        "spec": {
            "parallelism": 1,
            "completions": 1,
            "backoffLimit": 6,
            "completionMode": "NonIndexed",
            "suspend": False,
            "manualSelector": False,
            "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {
                "matchLabels": {
                    "batch.kubernetes.io/controller-uid": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
                }
            },
            "template": {
                "metadata": {
                    "labels": {
                        "batch.kubernetes.io/controller-uid": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
                        "batch.kubernetes.io/job-name": "wrk2-job",
                        "controller-uid": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
                        "job-name": "wrk2-job",
                    }
                },
                "spec": {
                    "containers": [
                        {
                            "name": "wrk2",
                            "image": "deathstarbench/wrk2-client:latest",
                            "args": [
                                "wrk",
                                "-D",
                                "exp",
                                "-t",
                                "2",
                                "-c",
                                "2",
                                "-d",
                                "10s",
                                "-L",
                                "-s",
                                "/scripts/mixed-workload_type_1.lua",
                                "http://frontend.test-hotel-reservation.svc.cluster.local:5000",
                                "-R",
                                "10",
                            ],
                        }
                    ],
                    "restartPolicy": "Never",
                },
            },
        },
        "status": {
            "startTime": ts(now, minutes=30),
            "completionTime": ts(now, minutes=29),
            "succeeded": 1,
            "ready": 0,
            "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {
                    "type": "SuccessCriteriaMet",
                    "status": "True",
                    "lastProbeTime": ts(now, minutes=29),
                    "lastTransitionTime": ts(now, minutes=29),
                },
                {
                    "type": "Complete",
                    "status": "True",
                    "lastProbeTime": ts(now, minutes=29),
                    "lastTransitionTime": ts(now, minutes=29),
                },
            ],
        },
    }

    def event(
        name,
        kind,
        objname,
        uid,
        etype,
        reason,
        message,
        first,
        last,
        count,
        component,
        ns=NS,
        api="v1",
        fieldpath=None,
    ):
        inv = {
            "kind": kind,
            "namespace": ns,
            "name": objname,
            "uid": uid,
            "apiVersion": api,
            "resourceVersion": "48000",
        }
        if fieldpath:
            inv["fieldPath"] = fieldpath
        if kind == "Node":
            inv.pop("namespace")
            inv["uid"] = objname
        return {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": ns if kind != "Node" else "default",
                "uid": "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
                "resourceVersion": "48500",
                "creationTimestamp": first,
            },
            "involvedObject": inv,
            "reason": reason,
            "message": message,
            "source": {
                "component": component,
                **({"host": "kind-worker"} if component == "kubelet" else {}),
            },
            "firstTimestamp": first,
            "lastTimestamp": last,
            "count": count,
            "type": etype,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": "kind-worker" if component == "kubelet" else "",
        }

    events = [
        event(
            "geo-6b8c9d7f5-q9m7w.17f3a1b2c3d4e5f6",
            "Pod",
            "geo-6b8c9d7f5-q9m7w",
            pod2_uid,
            "Warning",
            "BackOff",
            "Back-off restarting failed container hotel-reserv-geo in pod geo-6b8c9d7f5-q9m7w_test-hotel-reservation(d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a)",
            ts(now, minutes=52),
            ts(now, minutes=2),
            214,
            "kubelet",
            fieldpath="spec.containers{hotel-reserv-geo}",
        ),
        event(
            "geo-6b8c9d7f5-q9m7w.17f3a1b2c3d4e5f7",
            "Pod",
            "geo-6b8c9d7f5-q9m7w",
            pod2_uid,
            "Normal",
            "Pulled",
            'Successfully pulled image "yinfangchen/hotelreservation:latest" in 512ms (512ms including waiting). Image size: 447625452 bytes.',
            ts(now, minutes=46),
            ts(now, minutes=46),
            1,
            "kubelet",
            fieldpath="spec.containers{hotel-reserv-geo}",
        ),
        event(
            "geo.17f3a1b2c3d4e5f8",
            "Deployment",
            "geo",
            dep_uid,
            "Normal",
            "ScalingReplicaSet",
            "Scaled up replica set geo-6b8c9d7f5 to 2",
            ts(now, hours=2),
            ts(now, hours=2),
            1,
            "deployment-controller",
            api="apps/v1",
        ),
        event(
            "kind-worker.17f3a1b2c3d4e5f9",
            "Node",
            "kind-worker",
            "",
            "Normal",
            "NodeReady",
            "Node kind-worker status is now: NodeReady",
            ts(now, days=2),
            ts(now, days=2),
            1,
            "kubelet",
        ),
    ]
    return [
        namespace,
        node,
        deployment,
        new_rs,
        old_rs,
        running,
        crashing,
        service,
        endpoints,
        configmap,
        secret,
        sa,
        pv,
        pvc,
        job,
        *events,
    ]


def extra(now: datetime) -> list[dict]:
    sts_uid = "8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f"
    ds_uid = "9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a"
    sts = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {
            "name": "mongodb-geo",
            "namespace": NS,
            "uid": sts_uid,
            "resourceVersion": "1",
            "generation": 1,
            "creationTimestamp": ts(now, hours=3),
            "labels": {"app": "mongodb-geo"},
        },
        "spec": {
            "replicas": 1,
            "serviceName": "mongodb-geo",
            "selector": {"matchLabels": {"app": "mongodb-geo"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "podManagementPolicy": "OrderedReady",
            "template": {
                "metadata": {"labels": {"app": "mongodb-geo"}},
                "spec": {
                    "containers": [
                        {
                            "name": "hotel-reserv-geo-mongo",
                            "image": "mongo:4.4.6",
                            "args": ["--auth"],
                            "ports": [
                                {"containerPort": 27017, "protocol": "TCP", "name": "mongo"},
                                {"containerPort": 9216, "protocol": "TCP"},
                            ],
                            "resources": {
                                "limits": {"cpu": "1", "memory": "1Gi"},
                                "requests": {"cpu": "1", "memory": "1Gi"},
                            },
                            "livenessProbe": {
                                "exec": {"command": ["mongo", "--eval", "db.adminCommand('ping')"]},
                                "initialDelaySeconds": 30,
                                "timeoutSeconds": 5,
                                "periodSeconds": 10,
                                "successThreshold": 1,
                                "failureThreshold": 6,
                            },
                            "readinessProbe": {
                                "tcpSocket": {"port": 27017},
                                "timeoutSeconds": 1,
                                "periodSeconds": 10,
                                "successThreshold": 1,
                                "failureThreshold": 3,
                            },
                            "env": [
                                {
                                    "name": "MONGO_INITDB_ROOT_USERNAME",
                                    "valueFrom": {
                                        "configMapKeyRef": {
                                            "name": "mongo-geo-script",
                                            "key": "k2",
                                            "optional": True,
                                        }
                                    },
                                },
                                {"name": "MULTI", "value": "line one\nline two"},
                            ],
                            "envFrom": [
                                {"configMapRef": {"name": "mongo-geo-script"}},
                                {"prefix": "S_", "secretRef": {"name": "mongodb-geo"}},
                            ],
                            "volumeMounts": [
                                {"name": "data", "mountPath": "/data/db"},
                                {
                                    "name": "init",
                                    "mountPath": "/docker-entrypoint-initdb.d",
                                    "readOnly": True,
                                },
                                {
                                    "name": "cfg",
                                    "mountPath": "/etc/cfg/a.conf",
                                    "subPath": "a.conf",
                                },
                            ],
                        }
                    ],
                    "volumes": [
                        {
                            "name": "init",
                            "configMap": {"name": "mongo-geo-script", "defaultMode": 420},
                        },
                        {
                            "name": "cfg",
                            "secret": {"secretName": "mongodb-geo", "defaultMode": 420},
                        },
                        {"name": "scratch", "emptyDir": {}},
                        {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
                        {"name": "claim", "persistentVolumeClaim": {"claimName": "geo-pvc"}},
                    ],
                },
            },
            "volumeClaimTemplates": [
                {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": {"name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                        "storageClassName": "standard",
                        "volumeMode": "Filesystem",
                    },
                }
            ],
        },
        "status": {
            "replicas": 1,
            "readyReplicas": 1,
            "currentReplicas": 1,
            "updatedReplicas": 1,
            "availableReplicas": 1,
        },
    }
    ds = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {
            "name": "kube-proxy",
            "namespace": "kube-system",
            "uid": ds_uid,
            "resourceVersion": "1",
            "generation": 1,
            "creationTimestamp": ts(now, days=2),
            "labels": {"k8s-app": "kube-proxy"},
            "annotations": {"deprecated.daemonset.template.generation": "1"},
        },
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-proxy"}},
                "spec": {
                    "containers": [
                        {
                            "name": "kube-proxy",
                            "image": "registry.k8s.io/kube-proxy:v1.32.0",
                            "command": [
                                "/usr/local/bin/kube-proxy",
                                "--config=/var/lib/kube-proxy/config.conf",
                                "--hostname-override=$(NODE_NAME)",
                            ],
                            "env": [
                                {
                                    "name": "NODE_NAME",
                                    "valueFrom": {
                                        "fieldRef": {
                                            "apiVersion": "v1",
                                            "fieldPath": "spec.nodeName",
                                        }
                                    },
                                }
                            ],
                            "volumeMounts": [
                                {"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"},
                                {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
                            ],
                        }
                    ],
                    "volumes": [
                        {"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                        {
                            "name": "xtables-lock",
                            "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"},
                        },
                    ],
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "serviceAccountName": "kube-proxy",
                    "priorityClassName": "system-node-critical",
                    "tolerations": [{"operator": "Exists"}],
                },
            },
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
            },
        },
        "status": {
            "currentNumberScheduled": 2,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": 2,
            "numberReady": 2,
            "updatedNumberScheduled": 2,
            "numberAvailable": 2,
        },
    }
    sc = {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": "standard",
            "uid": "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b",
            "creationTimestamp": ts(now, days=2),
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }
    nodeport = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "frontend",
            "namespace": NS,
            "uid": "1f2a3b4c-5d6e-4f7a-8b8c-9d0e1f2a3b4c",
            "creationTimestamp": ts(now, hours=3),
        },
        "spec": {
            "type": "NodePort",
            "selector": {"io.kompose.service": "frontend"},
            "clusterIP": "10.96.5.80",
            "clusterIPs": ["10.96.5.80"],
            "ports": [
                {
                    "name": "http",
                    "port": 5000,
                    "targetPort": "http",
                    "nodePort": 30080,
                    "protocol": "TCP",
                },
                {"port": 9090, "targetPort": 9090, "protocol": "TCP", "name": "metrics"},
            ],
            "sessionAffinity": "None",
            "externalTrafficPolicy": "Cluster",
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
        },
        "status": {"loadBalancer": {}},
    }
    nodeport_ep = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "frontend", "namespace": NS, "creationTimestamp": ts(now, hours=3)},
    }
    pending = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "frontend-7d9f8b6c5-abcde",
            "namespace": NS,
            "uid": "2a3b4c5d-6e7f-4a8b-8c9d-0e1f2a3b4c5d",
            "creationTimestamp": ts(now, minutes=15),
            "labels": {"io.kompose.service": "frontend"},
        },
        "spec": {
            "initContainers": [
                {
                    "name": "wait-db",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", "until nc -z mongodb-geo 27017; do sleep 2; done"],
                }
            ],
            "containers": [
                {
                    "name": "frontend",
                    "image": "yinfangchen/hotelreservation:latest",
                    "ports": [{"containerPort": 5000, "protocol": "TCP"}],
                    "readinessProbe": {
                        "httpGet": {"path": "/healthz", "port": 5000, "scheme": "HTTP"},
                        "timeoutSeconds": 1,
                        "periodSeconds": 10,
                        "successThreshold": 1,
                        "failureThreshold": 3,
                    },
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                }
            ],
            "nodeSelector": {"disktype": "ssd"},
            "serviceAccountName": "default",
            "priority": 0,
        },
        "status": {
            "phase": "Pending",
            "qosClass": "Burstable",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
                    "lastTransitionTime": ts(now, minutes=15),
                }
            ],
        },
    }
    return [sts, ds, sc, nodeport, nodeport_ep, pending]


EXPECTED_POD_GEO_6B8C9D7F5_Q9M7W = _lines(
    "Name:             geo-6b8c9d7f5-q9m7w",
    "Namespace:        test-hotel-reservation",
    "Priority:         0",
    "Service Account:  default",
    "Node:             kind-worker/172.18.0.3",
    "Start Time:       Thu, 26 Nov 2026 06:00:00 +0000",
    "Labels:           io.kompose.service=geo",
    "                  pod-template-hash=6b8c9d7f5",
    "Annotations:      kompose.cmd: kompose convert",
    "                  kompose.version: 1.22.0 (955b78124)",
    "Status:           Running",
    "IP:               10.244.1.13",
    "IPs:",
    "  IP:           10.244.1.13",
    "Controlled By:  ReplicaSet/geo-6b8c9d7f5",
    "Containers:",
    "  hotel-reserv-geo:",
    "    Container ID:  containerd://4f1c2b9e8d7a6c5b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
    "    Image:         yinfangchen/hotelreservation:latest",
    "    Image ID:      docker.io/yinfangchen/hotelreservation@sha256:c14b5e2a9d7d5b3e8b2a5c1d0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918",
    "    Port:          8083/TCP",
    "    Host Port:     0/TCP",
    "    Command:",
    "      geo",
    "    State:          Waiting",
    "      Reason:       CrashLoopBackOff",
    "    Last State:     Terminated",
    "      Reason:       Error",
    "      Exit Code:    2",
    "      Started:      Thu, 26 Nov 2026 08:13:00 +0000",
    "      Finished:     Thu, 26 Nov 2026 08:14:00 +0000",
    "    Ready:          False",
    "    Restart Count:  12",
    "    Limits:",
    "      cpu:  1",
    "    Requests:",
    "      cpu:  100m",
    "    Environment:",
    "      JAEGER_SAMPLE_RATIO:  1",
    "      MONGO_PASSWORD:       <set to the key 'password' in secret 'mongodb-geo'>  Optional: false",
    "      POD_NAME:             geo-6b8c9d7f5-q9m7w (v1:metadata.name)",
    "    Mounts:",
    "      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x7v2k (ro)",
    "Conditions:",
    "  Type                        Status",
    "  PodReadyToStartContainers   True ",
    "  Initialized                 True ",
    "  Ready                       False ",
    "  ContainersReady             False ",
    "  PodScheduled                True ",
    "Volumes:",
    "  kube-api-access-x7v2k:",
    "    Type:                    Projected (a volume that contains injected data from multiple sources)",
    "    TokenExpirationSeconds:  3607",
    "    ConfigMapName:           kube-root-ca.crt",
    "    ConfigMapOptional:       <nil>",
    "    DownwardAPI:             true",
    "QoS Class:                   Burstable",
    "Node-Selectors:              <none>",
    "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
    "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
    "Events:",
    "  Type     Reason   Age                 From     Message",
    "  ----     ------   ----                ----     -------",
    '  Normal   Pulled   46m                 kubelet  Successfully pulled image "yinfangchen/hotelreservation:latest" in 512ms (512ms including waiting). Image size: 447625452 bytes.',
    "  Warning  BackOff  2m (x214 over 52m)  kubelet  Back-off restarting failed container hotel-reserv-geo in pod geo-6b8c9d7f5-q9m7w_test-hotel-reservation(d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a)",
)


EXPECTED_DEPLOYMENT_GEO = _lines(
    "Name:                   geo",
    "Namespace:              test-hotel-reservation",
    "CreationTimestamp:      Thu, 26 Nov 2026 06:00:00 +0000",
    "Labels:                 io.kompose.service=geo",
    "Annotations:            deployment.kubernetes.io/revision: 2",
    "                        kompose.cmd: kompose convert",
    "                        kompose.version: 1.22.0 (955b78124)",
    "Selector:               io.kompose.service=geo",
    "Replicas:               2 desired | 2 updated | 2 total | 1 available | 1 unavailable",
    "StrategyType:           RollingUpdate",
    "MinReadySeconds:        0",
    "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
    "Pod Template:",
    "  Labels:       io.kompose.service=geo",
    "  Annotations:  kompose.cmd: kompose convert",
    "                kompose.version: 1.22.0 (955b78124)",
    "  Containers:",
    "   hotel-reserv-geo:",
    "    Image:      yinfangchen/hotelreservation:latest",
    "    Port:       8083/TCP",
    "    Host Port:  0/TCP",
    "    Command:",
    "      geo",
    "    Limits:",
    "      cpu:  1",
    "    Requests:",
    "      cpu:  100m",
    "    Environment:",
    "      JAEGER_SAMPLE_RATIO:  1",
    "      MONGO_PASSWORD:       <set to the key 'password' in secret 'mongodb-geo'>  Optional: false",
    "      POD_NAME:              (v1:metadata.name)",
    "    Mounts:                 <none>",
    "  Volumes:                  <none>",
    "  Node-Selectors:           <none>",
    "  Tolerations:              <none>",
    "Conditions:",
    "  Type           Status  Reason",
    "  ----           ------  ------",
    "  Progressing    True    NewReplicaSetAvailable",
    "  Available      False   MinimumReplicasUnavailable",
    "OldReplicaSets:  geo-5f7d8c6b4 (0/0 replicas created)",
    "NewReplicaSet:   geo-6b8c9d7f5 (2/2 replicas created)",
    "Events:",
    "  Type    Reason             Age   From                   Message",
    "  ----    ------             ----  ----                   -------",
    "  Normal  ScalingReplicaSet  120m  deployment-controller  Scaled up replica set geo-6b8c9d7f5 to 2",
)


EXPECTED_SERVICE_GEO = _lines(
    "Name:                     geo",
    "Namespace:                test-hotel-reservation",
    "Labels:                   io.kompose.service=geo",
    "Annotations:              kompose.cmd: kompose convert",
    "                          kompose.version: 1.22.0 (955b78124)",
    "Selector:                 io.kompose.service=geo",
    "Type:                     ClusterIP",
    "IP Family Policy:         SingleStack",
    "IP Families:              IPv4",
    "IP:                       10.96.142.7",
    "IPs:                      10.96.142.7",
    "Port:                     8083  8083/TCP",
    "TargetPort:               8083/TCP",
    "Endpoints:                10.244.1.12:8083",
    "Session Affinity:         None",
    "Internal Traffic Policy:  Cluster",
    "Events:                   <none>",
)


EXPECTED_NODE_KIND_WORKER = _lines(
    "Name:               kind-worker",
    "Roles:              <none>",
    "Labels:             beta.kubernetes.io/arch=amd64",
    "                    beta.kubernetes.io/os=linux",
    "                    kubernetes.io/arch=amd64",
    "                    kubernetes.io/hostname=kind-worker",
    "                    kubernetes.io/os=linux",
    "Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: unix:///run/containerd/containerd.sock",
    "                    node.alpha.kubernetes.io/ttl: 0",
    "                    volumes.kubernetes.io/controller-managed-attach-detach: true",
    "CreationTimestamp:  Tue, 24 Nov 2026 08:00:00 +0000",
    "Taints:             <none>",
    "Unschedulable:      false",
    "Lease:",
    "  HolderIdentity:  kind-worker",
    "  AcquireTime:     <unset>",
    "  RenewTime:       Thu, 26 Nov 2026 09:00:00 +0000",
    "Conditions:",
    "  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message",
    "  ----             ------  -----------------                 ------------------                ------                       -------",
    "  MemoryPressure   False   Thu, 26 Nov 2026 08:59:00 +0000   Tue, 24 Nov 2026 09:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available",
    "  DiskPressure     False   Thu, 26 Nov 2026 08:59:00 +0000   Tue, 24 Nov 2026 09:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure",
    "  PIDPressure      False   Thu, 26 Nov 2026 08:59:00 +0000   Tue, 24 Nov 2026 09:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available",
    "  Ready            True    Thu, 26 Nov 2026 08:59:00 +0000   Tue, 24 Nov 2026 09:00:00 +0000   KubeletReady                 kubelet is posting ready status",
    "Addresses:",
    "  InternalIP:  172.18.0.3",
    "  Hostname:    kind-worker",
    "Capacity:",
    "  cpu:                8",
    "  ephemeral-storage:  102626232Ki",
    "  hugepages-1Gi:      0",
    "  hugepages-2Mi:      0",
    "  memory:             16331484Ki",
    "  pods:               110",
    "Allocatable:",
    "  cpu:                8",
    "  ephemeral-storage:  102626232Ki",
    "  hugepages-1Gi:      0",
    "  hugepages-2Mi:      0",
    "  memory:             16331484Ki",
    "  pods:               110",
    "System Info:",
    "  Machine ID:                 2b7c6d1e9f0a4b3c8d5e6f7a1b2c3d4e",
    "  System UUID:                7e1d2c3b-4a5f-6e7d-8c9b-0a1f2e3d4c5b",
    "  Boot ID:                    3c2b1a09-8f7e-6d5c-4b3a-291807f6e5d4",
    "  Kernel Version:             6.8.0-1015-gcp",
    "  OS Image:                   Debian GNU/Linux 12 (bookworm)",
    "  Operating System:           linux",
    "  Architecture:               amd64",
    "  Container Runtime Version:  containerd://1.7.18",
    "  Kubelet Version:            v1.32.0",
    "  Kube-Proxy Version:         v1.32.0",
    "PodCIDR:                      10.244.1.0/24",
    "PodCIDRs:                     10.244.1.0/24",
    "ProviderID:                   kind://docker/kind/kind-worker",
    "Non-terminated Pods:          (2 in total)",
    "  Namespace                   Name                   CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age",
    "  ---------                   ----                   ------------  ----------  ---------------  -------------  ---",
    "  test-hotel-reservation      geo-6b8c9d7f5-q9m7w    100m (1%)     1 (12%)     0 (0%)           0 (0%)         3h",
    "  test-hotel-reservation      geo-6b8c9d7f5-x2k4j    100m (1%)     1 (12%)     0 (0%)           0 (0%)         3h",
    "Allocated resources:",
    "  (Total limits may be over 100 percent, i.e., overcommitted.)",
    "  Resource           Requests   Limits",
    "  --------           --------   ------",
    "  cpu                200m (2%)  2 (25%)",
    "  memory             0 (0%)     0 (0%)",
    "  ephemeral-storage  0 (0%)     0 (0%)",
    "  hugepages-1Gi      0 (0%)     0 (0%)",
    "  hugepages-2Mi      0 (0%)     0 (0%)",
    "Events:",
    "  Type    Reason     Age   From     Message",
    "  ----    ------     ----  ----     -------",
    "  Normal  NodeReady  2d    kubelet  Node kind-worker status is now: NodeReady",
)


EXPECTED_SECRET_MONGODB_GEO = _lines(
    "Name:         mongodb-geo",
    "Namespace:    test-hotel-reservation",
    "Labels:       <none>",
    "Annotations:  <none>",
    "",
    "Type:  Opaque",
    "",
    "Data",
    "====",
    "password:  5 bytes",
    "username:  5 bytes",
)


EXPECTED_NAMESPACE_TEST_HOTEL_RESERVATION = _lines(
    "Name:         test-hotel-reservation",
    "Labels:       kubernetes.io/metadata.name=test-hotel-reservation",
    "Annotations:  <none>",
    "Status:       Active",
    "",
    "No resource quota.",
    "",
    "No LimitRange resource.",
)


EXPECTED_PERSISTENTVOLUMECLAIM_GEO_PVC = _lines(
    "Name:          geo-pvc",
    "Namespace:     test-hotel-reservation",
    "StorageClass:  geo-storage",
    "Status:        Bound",
    "Volume:        geo-pv",
    "Labels:        <none>",
    "Annotations:   pv.kubernetes.io/bind-completed: yes",
    "Finalizers:    [kubernetes.io/pvc-protection]",
    "Capacity:      1Gi",
    "Access Modes:  RWO",
    "VolumeMode:    Filesystem",
    "Used By:       <none>",
    "Events:        <none>",
)


EXPECTED_JOB_WRK2_JOB = _lines(
    "Name:             wrk2-job",
    "Namespace:        default",
    "Selector:         batch.kubernetes.io/controller-uid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "Labels:           batch.kubernetes.io/controller-uid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "                  batch.kubernetes.io/job-name=wrk2-job",
    "                  controller-uid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "                  job-name=wrk2-job",
    "Annotations:      <none>",
    "Parallelism:      1",
    "Completions:      1",
    "Completion Mode:  NonIndexed",
    "Suspend:          false",
    "Backoff Limit:    6",
    "Start Time:       Thu, 26 Nov 2026 08:30:00 +0000",
    "Completed At:     Thu, 26 Nov 2026 08:31:00 +0000",
    "Duration:         60s",
    "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed",
    "Pod Template:",
    "  Labels:  batch.kubernetes.io/controller-uid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "           batch.kubernetes.io/job-name=wrk2-job",
    "           controller-uid=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "           job-name=wrk2-job",
    "  Containers:",
    "   wrk2:",
    "    Image:      deathstarbench/wrk2-client:latest",
    "    Port:       <none>",
    "    Host Port:  <none>",
    "    Args:",
    "      wrk",
    "      -D",
    "      exp",
    "      -t",
    "      2",
    "      -c",
    "      2",
    "      -d",
    "      10s",
    "      -L",
    "      -s",
    "      /scripts/mixed-workload_type_1.lua",
    "      http://frontend.test-hotel-reservation.svc.cluster.local:5000",
    "      -R",
    "      10",
    "    Environment:   <none>",
    "    Mounts:        <none>",
    "  Volumes:         <none>",
    "  Node-Selectors:  <none>",
    "  Tolerations:     <none>",
    "Events:            <none>",
)


EXPECTED_REPLICASET_GEO_6B8C9D7F5 = _lines(
    "Name:           geo-6b8c9d7f5",
    "Namespace:      test-hotel-reservation",
    "Selector:       io.kompose.service=geo,pod-template-hash=6b8c9d7f5",
    "Labels:         io.kompose.service=geo",
    "                pod-template-hash=6b8c9d7f5",
    "Annotations:    deployment.kubernetes.io/desired-replicas: 2",
    "                deployment.kubernetes.io/max-replicas: 3",
    "                deployment.kubernetes.io/revision: 2",
    "                kompose.cmd: kompose convert",
    "                kompose.version: 1.22.0 (955b78124)",
    "Controlled By:  Deployment/geo",
    "Replicas:       2 current / 2 desired",
    "Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
    "Pod Template:",
    "  Labels:       io.kompose.service=geo",
    "                pod-template-hash=6b8c9d7f5",
    "  Annotations:  kompose.cmd: kompose convert",
    "                kompose.version: 1.22.0 (955b78124)",
    "  Containers:",
    "   hotel-reserv-geo:",
    "    Image:      yinfangchen/hotelreservation:latest",
    "    Port:       8083/TCP",
    "    Host Port:  0/TCP",
    "    Command:",
    "      geo",
    "    Limits:",
    "      cpu:  1",
    "    Requests:",
    "      cpu:  100m",
    "    Environment:",
    "      JAEGER_SAMPLE_RATIO:  1",
    "      MONGO_PASSWORD:       <set to the key 'password' in secret 'mongodb-geo'>  Optional: false",
    "      POD_NAME:              (v1:metadata.name)",
    "    Mounts:                 <none>",
    "  Volumes:                  <none>",
    "  Node-Selectors:           <none>",
    "  Tolerations:              <none>",
    "Events:                     <none>",
)


EXPECTED_ENDPOINTS_GEO = _lines(
    "Name:         geo",
    "Namespace:    test-hotel-reservation",
    "Labels:       io.kompose.service=geo",
    "Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2026-11-26T08:14:00Z",
    "Subsets:",
    "  Addresses:          10.244.1.12",
    "  NotReadyAddresses:  10.244.1.13",
    "  Ports:",
    "    Name  Port  Protocol",
    "    ----  ----  --------",
    "    8083  8083  TCP",
    "",
    "Events:  <none>",
)


EXPECTED_SERVICEACCOUNT_DEFAULT = _lines(
    "Name:                default",
    "Namespace:           test-hotel-reservation",
    "Labels:              <none>",
    "Annotations:         <none>",
    "Image pull secrets:  <none>",
    "Mountable secrets:   <none>",
    "Tokens:              <none>",
    "Events:              <none>",
)


EXPECTED_PERSISTENTVOLUME_GEO_PV = _lines(
    "Name:            geo-pv",
    "Labels:          <none>",
    "Annotations:     pv.kubernetes.io/bound-by-controller: yes",
    "Finalizers:      [kubernetes.io/pv-protection]",
    "StorageClass:    geo-storage",
    "Status:          Bound",
    "Claim:           test-hotel-reservation/geo-pvc",
    "Reclaim Policy:  Retain",
    "Access Modes:    RWO",
    "VolumeMode:      Filesystem",
    "Capacity:        1Gi",
    "Node Affinity:   <none>",
    "Message:         ",
    "Source:",
    "    Type:          HostPath (bare host directory volume)",
    "    Path:          /tmp/geo-pv",
    "    HostPathType:  ",
    "Events:            <none>",
)


EXPECTED_CONFIGMAP_MONGO_GEO_SCRIPT = _lines(
    "Name:         mongo-geo-script",
    "Namespace:    test-hotel-reservation",
    "Labels:       <none>",
    "Annotations:  <none>",
    "",
    "Data",
    "====",
    "init-mongo.sh:",
    "----",
    "#!/bin/bash",
    "mongo admin --eval \"db.createUser({user: 'admin', pwd: 'admin', roles: ['root']})\"",
    "",
    "k2:",
    "----",
    "v2",
    "",
    "",
    "BinaryData",
    "====",
    "",
    "Events:  <none>",
)


EXPECTED_STATEFULSET_MONGODB_GEO = _lines(
    "Name:               mongodb-geo",
    "Namespace:          test-hotel-reservation",
    "CreationTimestamp:  Thu, 26 Nov 2026 06:00:00 +0000",
    "Selector:           app=mongodb-geo",
    "Labels:             app=mongodb-geo",
    "Annotations:        <none>",
    "Replicas:           1 desired | 1 total",
    "Update Strategy:    RollingUpdate",
    "  Partition:        0",
    "Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed",
    "Pod Template:",
    "  Labels:  app=mongodb-geo",
    "  Containers:",
    "   hotel-reserv-geo-mongo:",
    "    Image:       mongo:4.4.6",
    "    Ports:       27017/TCP, 9216/TCP",
    "    Host Ports:  0/TCP, 0/TCP",
    "    Args:",
    "      --auth",
    "    Limits:",
    "      cpu:     1",
    "      memory:  1Gi",
    "    Requests:",
    "      cpu:      1",
    "      memory:   1Gi",
    "    Liveness:   exec [mongo --eval db.adminCommand('ping')] delay=30s timeout=5s period=10s #success=1 #failure=6",
    "    Readiness:  tcp-socket :27017 delay=0s timeout=1s period=10s #success=1 #failure=3",
    "    Environment Variables from:",
    "      mongo-geo-script  ConfigMap                Optional: false",
    "      mongodb-geo       Secret with prefix 'S_'  Optional: false",
    "    Environment:",
    "      MONGO_INITDB_ROOT_USERNAME:  <set to the key 'k2' of config map 'mongo-geo-script'>  Optional: true",
    "      MULTI:                       line one",
    "                                   line two",
    "    Mounts:",
    "      /data/db from data (rw)",
    "      /docker-entrypoint-initdb.d from init (ro)",
    '      /etc/cfg/a.conf from cfg (rw,path="a.conf")',
    "  Volumes:",
    "   init:",
    "    Type:      ConfigMap (a volume populated by a ConfigMap)",
    "    Name:      mongo-geo-script",
    "    Optional:  false",
    "   cfg:",
    "    Type:        Secret (a volume populated by a Secret)",
    "    SecretName:  mongodb-geo",
    "    Optional:    false",
    "   scratch:",
    "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
    "    Medium:     ",
    "    SizeLimit:  <unset>",
    "   host:",
    "    Type:          HostPath (bare host directory volume)",
    "    Path:          /var/log",
    "    HostPathType:  Directory",
    "   claim:",
    "    Type:          PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
    "    ClaimName:     geo-pvc",
    "    ReadOnly:      false",
    "  Node-Selectors:  <none>",
    "  Tolerations:     <none>",
    "Volume Claims:",
    "  Name:          data",
    "  StorageClass:  standard",
    "  Labels:        <none>",
    "  Annotations:   <none>",
    "  Capacity:      1Gi",
    "  Access Modes:  [ReadWriteOnce]",
    "Events:          <none>",
)


EXPECTED_POD_FRONTEND_7D9F8B6C5_ABCDE = _lines(
    "Name:             frontend-7d9f8b6c5-abcde",
    "Namespace:        test-hotel-reservation",
    "Priority:         0",
    "Service Account:  default",
    "Node:             <none>",
    "Labels:           io.kompose.service=frontend",
    "Annotations:      <none>",
    "Status:           Pending",
    "IP:               ",
    "IPs:              <none>",
    "Init Containers:",
    "  wait-db:",
    "    Image:      busybox:1.36",
    "    Port:       <none>",
    "    Host Port:  <none>",
    "    Command:",
    "      sh",
    "      -c",
    "      until nc -z mongodb-geo 27017; do sleep 2; done",
    "    Environment:  <none>",
    "    Mounts:       <none>",
    "Containers:",
    "  frontend:",
    "    Image:      yinfangchen/hotelreservation:latest",
    "    Port:       5000/TCP",
    "    Host Port:  0/TCP",
    "    Requests:",
    "      cpu:        100m",
    "      memory:     64Mi",
    "    Readiness:    http-get http://:5000/healthz delay=0s timeout=1s period=10s #success=1 #failure=3",
    "    Environment:  <none>",
    "    Mounts:       <none>",
    "Conditions:",
    "  Type           Status",
    "  PodScheduled   False ",
    "Volumes:         <none>",
    "QoS Class:       Burstable",
    "Node-Selectors:  disktype=ssd",
    "Tolerations:     <none>",
    "Events:          <none>",
)


EXPECTED_SERVICE_FRONTEND = _lines(
    "Name:                     frontend",
    "Namespace:                test-hotel-reservation",
    "Labels:                   <none>",
    "Annotations:              <none>",
    "Selector:                 io.kompose.service=frontend",
    "Type:                     NodePort",
    "IP Family Policy:         SingleStack",
    "IP Families:              IPv4",
    "IP:                       10.96.5.80",
    "IPs:                      10.96.5.80",
    "Port:                     http  5000/TCP",
    "TargetPort:               http/TCP",
    "NodePort:                 http  30080/TCP",
    "Endpoints:                ",
    "Port:                     metrics  9090/TCP",
    "TargetPort:               9090/TCP",
    "Endpoints:                ",
    "Session Affinity:         None",
    "External Traffic Policy:  Cluster",
    "Internal Traffic Policy:  Cluster",
    "Events:                   <none>",
)


def make_store(objs: list[dict]) -> Store:
    store = Store(SimClock(NOW), seed=7)
    for obj in copy.deepcopy(objs):
        store.add(obj)
    return store


@pytest.fixture(scope="module")
def store() -> Store:
    return make_store(objects(NOW) + extra(NOW))


CASES = [
    ("Pod", NS, "geo-6b8c9d7f5-q9m7w", EXPECTED_POD_GEO_6B8C9D7F5_Q9M7W),
    ("Pod", NS, "frontend-7d9f8b6c5-abcde", EXPECTED_POD_FRONTEND_7D9F8B6C5_ABCDE),
    ("Deployment", NS, "geo", EXPECTED_DEPLOYMENT_GEO),
    ("ReplicaSet", NS, "geo-6b8c9d7f5", EXPECTED_REPLICASET_GEO_6B8C9D7F5),
    ("StatefulSet", NS, "mongodb-geo", EXPECTED_STATEFULSET_MONGODB_GEO),
    ("Service", NS, "geo", EXPECTED_SERVICE_GEO),
    ("Service", NS, "frontend", EXPECTED_SERVICE_FRONTEND),
    ("Endpoints", NS, "geo", EXPECTED_ENDPOINTS_GEO),
    ("Node", None, "kind-worker", EXPECTED_NODE_KIND_WORKER),
    ("Namespace", None, NS, EXPECTED_NAMESPACE_TEST_HOTEL_RESERVATION),
    ("ConfigMap", NS, "mongo-geo-script", EXPECTED_CONFIGMAP_MONGO_GEO_SCRIPT),
    ("Secret", NS, "mongodb-geo", EXPECTED_SECRET_MONGODB_GEO),
    ("ServiceAccount", NS, "default", EXPECTED_SERVICEACCOUNT_DEFAULT),
    ("PersistentVolume", None, "geo-pv", EXPECTED_PERSISTENTVOLUME_GEO_PV),
    ("PersistentVolumeClaim", NS, "geo-pvc", EXPECTED_PERSISTENTVOLUMECLAIM_GEO_PVC),
    ("Job", "default", "wrk2-job", EXPECTED_JOB_WRK2_JOB),
]


@pytest.mark.parametrize(
    ("kind", "namespace", "name", "expected"), CASES, ids=[f"{c[0]}/{c[2]}" for c in CASES]
)
def test_describe_matches_kubectl(
    store: Store, kind: str, namespace: str | None, name: str, expected: str
) -> None:
    obj = store.get(kind, namespace, name)
    assert obj is not None
    assert describe(obj, store=store, now=NOW) == expected


def _pod(name: str = "api-0", **meta_extra: object) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": "11111111-2222-4333-8444-555555555555",
            "creationTimestamp": ts(NOW, minutes=10),
            **meta_extra,
        },
        "spec": {"containers": [{"name": "api", "image": "nginx:1.27"}]},
        "status": {"phase": "Running", "podIP": "10.244.0.9", "podIPs": [{"ip": "10.244.0.9"}]},
    }


def _event(obj: dict, reason: str, *, count: int, first: float, last: float) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{obj['metadata']['name']}.{reason.lower()}", "namespace": "default"},
        "involvedObject": {
            "kind": obj["kind"],
            "name": obj["metadata"]["name"],
            "namespace": "default",
            "uid": obj["metadata"].get("uid", ""),
        },
        "reason": reason,
        "message": f"{reason} happened\n",
        "type": "Warning",
        "source": {"component": "kubelet"},
        "firstTimestamp": ts(NOW, seconds=first),
        "lastTimestamp": ts(NOW, seconds=last),
        "count": count,
    }


def test_events_table_counts_repeats_and_sorts_by_last_seen() -> None:
    pod = _pod()
    store = make_store(
        [
            pod,
            _event(pod, "BackOff", count=3, first=300, last=20),
            _event(pod, "Unhealthy", count=1, first=400, last=400),
        ]
    )
    text = describe(store.get("Pod", "default", "api-0") or {}, store=store, now=NOW)
    assert text.endswith(
        "Events:\n"
        "  Type     Reason     Age               From     Message\n"
        "  ----     ------     ----              ----     -------\n"
        "  Warning  Unhealthy  6m40s             kubelet  Unhealthy happened\n"
        "  Warning  BackOff    20s (x3 over 5m)  kubelet  BackOff happened\n"
    )


def test_events_of_other_objects_are_not_shown() -> None:
    pod, other = _pod(), _pod("api-1")
    other["metadata"]["uid"] = "99999999-2222-4333-8444-555555555555"
    store = make_store([pod, other, _event(other, "BackOff", count=1, first=5, last=5)])
    text = describe(store.get("Pod", "default", "api-0") or {}, store=store, now=NOW)
    assert text.endswith("Tolerations:      <none>\nEvents:           <none>\n")


def test_terminating_pod_shows_grace_period() -> None:
    pod = _pod(deletionTimestamp=ts(NOW, seconds=-30), deletionGracePeriodSeconds=30)
    store = make_store([pod])
    text = describe(store.get("Pod", "default", "api-0") or {}, store=store, now=NOW)
    assert "Status:                    Terminating (lasts <invalid>)\n" in text
    assert "Termination Grace Period:  30s\n" in text


def test_pod_without_node_ips_or_statuses() -> None:
    pod = _pod()
    pod["status"] = {"phase": "Pending"}
    store = make_store([pod])
    text = describe(store.get("Pod", "default", "api-0") or {}, store=store, now=NOW)
    assert "Node:         <none>\n" in text
    assert "IPs:          <none>\n" in text
    assert "Container ID" not in text
    assert "QoS Class:        BestEffort\n" in text


def test_secret_describe_never_prints_values() -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "default"},
        "type": "Opaque",
        "data": {"password": "c3VwZXJzZWNyZXQ=", "user": "YWRtaW4="},
    }
    store = make_store([secret])
    text = describe(store.get("Secret", "default", "db") or {}, store=store, now=NOW)
    assert "password:  11 bytes\nuser:      5 bytes\n" in text
    assert "supersecret" not in text and "c3VwZXJzZWNyZXQ" not in text


def test_long_and_multiline_annotations_go_on_their_own_lines() -> None:
    pod = _pod(annotations={"a/long": "x" * 150, "b/multi": "one\ntwo\n", "c/short": "v"})
    store = make_store([pod])
    text = describe(store.get("Pod", "default", "api-0") or {}, store=store, now=NOW)
    assert (
        "Annotations:  a/long:\n"
        f"                {'x' * 138}...\n"
        "              b/multi:\n"
        "                one\n"
        "                two\n"
        "              c/short: v\n"
    ) in text


def test_deployment_without_replicasets_omits_replicaset_lines() -> None:
    deployment = copy.deepcopy(next(o for o in objects(NOW) if o["kind"] == "Deployment"))
    store = make_store([deployment])
    text = describe(store.get("Deployment", NS, "geo") or {}, store=store, now=NOW)
    assert "OldReplicaSets:" not in text and "NewReplicaSet:" not in text
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n" in text


def test_cordoned_tainted_node() -> None:
    node = copy.deepcopy(next(o for o in objects(NOW) if o["kind"] == "Node"))
    node["spec"]["unschedulable"] = True
    node["spec"]["taints"] = [
        {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
        {"key": "dedicated", "value": "db", "effect": "NoExecute"},
    ]
    store = make_store([node])
    text = describe(store.get("Node", None, "kind-worker") or {}, store=store, now=NOW)
    assert (
        "Taints:             dedicated=db:NoExecute\n"
        "                    node.kubernetes.io/unschedulable:NoSchedule\n"
        "Unschedulable:      true\n"
    ) in text
    assert "Non-terminated Pods:          (0 in total)\n" in text


def test_event_uses_the_generic_describer(store: Store) -> None:
    event = store.get("Event", NS, "geo.17f3a1b2c3d4e5f8")
    assert event is not None
    text = describe(event, store=store, now=NOW)
    assert text.startswith(
        "Name:             geo.17f3a1b2c3d4e5f8\n"
        "Namespace:        test-hotel-reservation\n"
        "Labels:           <none>\n"
        "Annotations:      <none>\n"
        "API Version:      v1\n"
        "Count:            1\n"
        "Event Time:       <nil>\n"
    )
    assert (
        "Involved Object:\n  API Version:       apps/v1\n  Kind:              Deployment\n" in text
    )
    assert "Reporting Instance:    \n" in text
    assert text.endswith(
        "Source:\n  Component:  deployment-controller\nType:         Normal\nEvents:       <none>\n"
    )
