"""The awk subset: print rules, patterns, -F, mawk's errors."""

from __future__ import annotations

import pytest

from aoi.shelltools import run_filter

# (argv, stdout, stderr, exit code) as GNU tools print them with LC_ALL=C.
CASES = [
    (
        ["awk", "{print $1}"],
        "NAME\nfrontend-7d9c8b6f5-abcde\ncart-5f6d7c8b9-xyz12\nredis-cart-6b9c5d-qwert\npayment-abc\ncheckout-1\n",
        "",
        0,
    ),
    (
        ["awk", "{print $1, $3}"],
        "NAME STATUS\nfrontend-7d9c8b6f5-abcde Running\ncart-5f6d7c8b9-xyz12 CrashLoopBackOff\nredis-cart-6b9c5d-qwert Running\npayment-abc Error\ncheckout-1 Running\n",
        "",
        0,
    ),
    (["awk", "{print $NF}"], "AGE\n5d\n5d\n5d\n2h\n1Gi\n", "", 0),
    (["awk", "/Crash/ {print $1}"], "cart-5f6d7c8b9-xyz12\n", "", 0),
    (
        ["awk", "NR>1 {print $1}"],
        "frontend-7d9c8b6f5-abcde\ncart-5f6d7c8b9-xyz12\nredis-cart-6b9c5d-qwert\npayment-abc\ncheckout-1\n",
        "",
        0,
    ),
    (
        ["awk", "-F/", "{print $2}"],
        "\n1     Running            0          5d\n1     CrashLoopBackOff   12         5d\n1     Running            0          5d\n1     Error              3          2h\n1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["awk", "$4 > 2"],
        "NAME                      READY   STATUS             RESTARTS   AGE\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["awk", '{print $1 "-" NR}'],
        "NAME-1\nfrontend-7d9c8b6f5-abcde-2\ncart-5f6d7c8b9-xyz12-3\nredis-cart-6b9c5d-qwert-4\npayment-abc-5\ncheckout-1-6\n",
        "",
        0,
    ),
    (["awk", "{print $1"], "", "awk: line 2: missing } near end of file\n", 2),
    (["awk", "END {print NR}"], "6\n", "", 0),
    (
        ["awk", "$3 ~ /Run/ {print $1}"],
        "frontend-7d9c8b6f5-abcde\nredis-cart-6b9c5d-qwert\ncheckout-1\n",
        "",
        0,
    ),
    (
        ["awk", "!/Running/"],
        "NAME                      READY   STATUS             RESTARTS   AGE\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\npayment-abc               1/1     Error              3          2h\n",
        "",
        0,
    ),
    (["awk", "{print $(NF-1)}"], "RESTARTS\n0\n12\n0\n3\n10\n", "", 0),
    (["awk", "-F", "  +", "{print $2}"], "READY\n1/1\n0/1\n1/1\n1/1\n1/1\n", "", 0),
    (
        ["awk", '$3 == "Running" {print $1}'],
        "frontend-7d9c8b6f5-abcde\nredis-cart-6b9c5d-qwert\ncheckout-1\n",
        "",
        0,
    ),
    (
        ["awk", "NR==2"],
        "frontend-7d9c8b6f5-abcde  1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["awk", "{print}"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (["awk", "-F"], "", "awk: option -F lacks argument\n", 2),
]


@pytest.mark.parametrize(
    ("argv", "stdout", "stderr", "code"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_matches_gnu(argv: list[str], stdout: str, stderr: str, code: int, pods_table: str) -> None:
    result = run_filter(argv, pods_table)
    assert (result.stdout, result.stderr, result.exit_code) == (stdout, stderr, code)
