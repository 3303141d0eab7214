"""Secrets never reach a model: Secret data, env values, tokens and connection strings."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.gate import redact
from aoi.shell import parse, simple_commands

SECRET_YAML = """\
apiVersion: v1
data:
  password: aHVudGVyMg==
  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t
  username: YWRtaW4=
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","data":{"password":"aHVudGVyMg=="},"kind":"Secret","metadata":{"name":"mongo-admin","namespace":"test-hotel-reservation"}}
  creationTimestamp: "2024-05-01T10:00:00Z"
  name: mongo-admin
  namespace: test-hotel-reservation
type: Opaque
"""

SECRETS_LIST_YAML = """\
apiVersion: v1
items:
- apiVersion: v1
  data:
    token: ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklp
  kind: Secret
  metadata:
    name: default-token
- apiVersion: v1
  data:
    DB_HOST: bW9uZ29kYi1nZW8=
  kind: ConfigMap
  metadata:
    name: not-a-secret
kind: List
"""


def run(
    text: str, command: str = "kubectl get secret mongo-admin -n x -o yaml"
) -> tuple[str, bool]:
    return redact(text, [c.argv or [] for c in simple_commands(parse(command))])


def test_secret_yaml_data_is_masked() -> None:
    out, changed = run(SECRET_YAML)
    assert changed
    for value in ("aHVudGVyMg==", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t", "YWRtaW4="):
        assert value not in out
    # Keys and metadata stay readable, so the model can still reason about the Secret.
    assert "  password: ****" in out
    assert "  tls.key: ****" in out
    assert "name: mongo-admin" in out
    assert "type: Opaque" in out


def test_only_secrets_are_masked_in_a_list() -> None:
    out, _ = run(SECRETS_LIST_YAML, "kubectl get secrets,cm -n x -o yaml")
    assert "ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklp" not in out
    assert "DB_HOST: bW9uZ29kYi1nZW8=" in out


def test_secret_json_is_masked() -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="},
                "metadata": {"name": "mongo-admin"},
            }
        ],
    }
    out, changed = run(json.dumps(doc, indent=4), "kubectl get secrets -n x -o json")
    assert changed
    assert "aHVudGVyMg==" not in out and "YWRtaW4=" not in out
    assert json.loads(out)["items"][0]["metadata"]["name"] == "mongo-admin"


def test_jsonpath_on_a_secret_is_masked() -> None:
    out, changed = run(
        "aHVudGVyMg==", "kubectl get secret mongo-admin -n x -o jsonpath='{.data.password}'"
    )
    assert changed and "aHVudGVyMg==" not in out
    out, _ = run(
        '{"password":"aHVudGVyMg=="}', "kubectl get secret mongo-admin -n x -o=jsonpath={.data}"
    )
    assert "aHVudGVyMg==" not in out


def test_secret_lines_filtered_by_grep_are_masked() -> None:
    out, changed = run(
        "  password: aHVudGVyMg==\n", "kubectl get secret mongo-admin -n x -o yaml | grep password"
    )
    assert changed and "aHVudGVyMg==" not in out


def test_env_dump_masks_sensitive_names_only() -> None:
    dump = "PATH=/usr/bin\nMONGO_PASSWORD=hunter2\nAPI_TOKEN=abc123\nAWS_SECRET_ACCESS_KEY=wJalr\nLOG_LEVEL=info\n"
    out, changed = run(dump, "kubectl exec -n x geo-1 -- env")
    assert changed
    assert "hunter2" not in out and "abc123" not in out and "wJalr" not in out
    assert "PATH=/usr/bin" in out and "LOG_LEVEL=info" in out


def test_env_in_pod_spec_is_masked() -> None:
    spec = """\
    spec:
      containers:
      - env:
        - name: MONGO_PASSWORD
          value: hunter2
        - name: MONGO_HOST
          value: mongodb-geo
        - name: SECRET_NAME_REF
          valueFrom:
            secretKeyRef:
              key: password
              name: mongo-admin
        image: yinfangchen/geo:app3
"""
    out, _ = run(spec, "kubectl get deploy geo -n x -o yaml")
    assert "hunter2" not in out
    assert "value: mongodb-geo" in out
    assert "name: mongo-admin" in out


def test_env_in_json_pod_spec_is_masked() -> None:
    doc = {
        "spec": {
            "containers": [
                {
                    "env": [
                        {"name": "DB_PASSWORD", "value": "hunter2"},
                        {"name": "DB", "value": "geo"},
                    ]
                }
            ]
        }
    }
    out, _ = run(json.dumps(doc, indent=4), "kubectl get deploy geo -n x -o json")
    assert "hunter2" not in out and '"geo"' in out


def test_one_line_json_is_masked() -> None:
    jsonpath = '[{"name":"MONGO_PASSWORD","value":"hunter2"},{"name":"MONGO_HOST","value":"db"}]'
    out, changed = run(
        jsonpath, "kubectl get pods -n x -o jsonpath='{.items[*].spec.containers[*].env}'"
    )
    assert changed and "hunter2" not in out and '"db"' in out
    log = '{"level":"info","msg":"login","password":"hunter2","user":"alice"}'
    out, _ = run(log, "kubectl logs geo-1 -n x")
    assert "hunter2" not in out and "alice" in out


def test_describe_env_is_masked() -> None:
    text = "    Environment:\n      MONGO_PASSWORD:  hunter2\n      MONGO_HOST:      mongodb-geo\n"
    out, _ = run(text, "kubectl describe pod geo-1 -n x")
    assert "hunter2" not in out and "mongodb-geo" in out


def test_connection_strings_and_bearer_tokens_in_logs() -> None:
    log = (
        "2024/05/01 connecting to mongodb://admin:s3cr3t@mongodb-geo:27017/geo-db?authSource=admin\n"
        "redis url redis://:p4ss@redis:6379/0\n"
        "GET /api Authorization: Bearer abcdefghijklmnop1234\n"
        "token eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJl seen\n"
        "callback https://svc/cb?token=deadbeefcafe&x=1\n"
    )
    out, changed = run(log, "kubectl logs geo-1 -n x")
    assert changed
    for leaked in ("s3cr3t", "abcdefghijklmnop1234", "eyJhbGciOiJSUzI1NiIs", "deadbeefcafe"):
        assert leaked not in out
    assert "mongodb://admin:****@mongodb-geo:27017/geo-db" in out
    assert "x=1" in out


def test_private_keys_and_secret_files_are_masked() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"
    out, _ = run(pem, "kubectl exec -n x geo-1 -- cat /etc/tls/server.pem")
    assert "MIIEowIBAAKCAQEA" not in out
    token = "kX9vQ2tZpL0aB7cD"
    out, _ = run(
        token, "kubectl exec -n x geo-1 -- cat /var/run/secrets/kubernetes.io/serviceaccount/token"
    )
    assert token not in out


def test_ordinary_output_is_untouched() -> None:
    table = (
        "NAME                     READY   STATUS             RESTARTS   AGE\n"
        "geo-6b4b89b5f5-rsrh7     0/1     CrashLoopBackOff   5          3m\n"
    )
    assert run(table, "kubectl get pods -n x") == (table, False)
    config = "apiVersion: v1\ndata:\n  demo.flagd.json: '{\"flags\": {}}'\nkind: ConfigMap\n"
    assert run(config, "kubectl get cm flagd-config -n x -o yaml") == (config, False)
    assert redact("", None) == ("", False)


def test_redaction_is_idempotent() -> None:
    for text, command in (
        (SECRET_YAML, "kubectl get secret x -n x -o yaml"),
        ("MONGO_PASSWORD=hunter2\n", "kubectl exec -n x geo-1 -- env"),
        ("mongodb://admin:s3cr3t@h:1/db", "kubectl logs x"),
    ):
        once, _ = run(text, command)
        assert run(once, command) == (once, False)


_b64 = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", min_size=8, max_size=40
)


@settings(max_examples=200, deadline=None)
@given(_b64, st.sampled_from(["password", "tls.crt", "api-key", "x"]))
def test_no_secret_value_survives(raw: str, key: str) -> None:
    value = "zQ9" + raw  # never a word the manifest itself contains
    doc = f"apiVersion: v1\ndata:\n  {key}: {value}\nkind: Secret\nmetadata:\n  name: s\n"
    out, _ = run(doc, "kubectl get secret s -n x -o yaml")
    assert value not in out
    as_json = json.dumps({"kind": "Secret", "data": {key: value}, "metadata": {"name": "s"}})
    out, _ = run(as_json, "kubectl get secret s -n x -o json")
    assert value not in out
