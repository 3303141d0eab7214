"""The gate: parse commands without a shell, classify READ / WRITE / FORBIDDEN,
approve, redact and audit. Nothing here knows about the twin or the agents."""

from aoi.gate.allowlist import AllowRule, PolicyError
from aoi.gate.approval import Approval, approval_from
from aoi.gate.audit import AuditLog
from aoi.gate.channels import REFUSED_EXIT, Channel, ChannelResult, Gate, Runner
from aoi.gate.classify import classify
from aoi.gate.policy import Policy
from aoi.gate.redact import redact, redact_command
from aoi.gate.secrets import SecretValues, secrets_in_objects
from aoi.gate.verdict import Role, Verdict, VerdictKind

__all__ = [
    "REFUSED_EXIT",
    "AllowRule",
    "Approval",
    "AuditLog",
    "Channel",
    "ChannelResult",
    "Gate",
    "Policy",
    "PolicyError",
    "Role",
    "Runner",
    "SecretValues",
    "Verdict",
    "VerdictKind",
    "approval_from",
    "classify",
    "redact",
    "redact_command",
    "secrets_in_objects",
]
