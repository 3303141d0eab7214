"""head, tail, wc, sort, uniq, cut, tr over a kubectl table."""

from __future__ import annotations

import pytest

from aoi.shelltools import run_filter

# (argv, stdout, stderr, exit code) as GNU tools print them with LC_ALL=C.
CASES = [
    (
        ["head", "-n", "2"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["head", "-3"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\n",
        "",
        0,
    ),
    (
        ["head", "-n", "-2"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (["head", "-n", "x"], "", "head: invalid number of lines: 'x'\n", 1),
    (
        ["tail", "-n", "2"],
        "payment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["tail", "-2"],
        "payment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["tail", "-n", "+3"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["tail", "-x"],
        "",
        "tail: invalid option -- 'x'\nTry 'tail --help' for more information.\n",
        1,
    ),
    (
        ["head"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["tail"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (["wc", "-l"], "6\n", "", 0),
    (["wc"], "      6      30     404\n", "", 0),
    (["wc", "-lw"], "      6      30\n", "", 0),
    (["wc", "-c"], "404\n", "", 0),
    (["wc", "-z"], "", "wc: invalid option -- 'z'\nTry 'wc --help' for more information.\n", 1),
    (
        ["sort"],
        "NAME                      READY   STATUS             RESTARTS   AGE\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\ncheckout-1                1/1     Running            10         1Gi\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["sort", "-r"],
        "redis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncheckout-1                1/1     Running            10         1Gi\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nNAME                      READY   STATUS             RESTARTS   AGE\n",
        "",
        0,
    ),
    (
        ["sort", "-k4", "-n"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\n",
        "",
        0,
    ),
    (
        ["sort", "-k4,4nr"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\ncheckout-1                1/1     Running            10         1Gi\npayment-abc               1/1     Error              3          2h\nNAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["sort", "-k5", "-h"],
        "NAME                      READY   STATUS             RESTARTS   AGE\npayment-abc               1/1     Error              3          2h\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["sort", "-u", "-k3,3"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\npayment-abc               1/1     Error              3          2h\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\nNAME                      READY   STATUS             RESTARTS   AGE\n",
        "",
        0,
    ),
    (
        ["sort", "-t", "-", "-k2"],
        "NAME                      READY   STATUS             RESTARTS   AGE\ncheckout-1                1/1     Running            10         1Gi\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (["sort", "-t", "ab"], "", "sort: multi-character tab 'ab'\n", 2),
    (
        ["sort", "-k", "x"],
        "",
        "sort: invalid number at field start: invalid count at start of 'x'\n",
        2,
    ),
    (
        ["sort", "-n"],
        "NAME                      READY   STATUS             RESTARTS   AGE\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\ncheckout-1                1/1     Running            10         1Gi\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["sort", "-k2,2"],
        "NAME                      READY   STATUS             RESTARTS   AGE\ncheckout-1                1/1     Running            10         1Gi\npayment-abc               1/1     Error              3          2h\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["sort", "-k3"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\npayment-abc               1/1     Error              3          2h\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\ncheckout-1                1/1     Running            10         1Gi\nNAME                      READY   STATUS             RESTARTS   AGE\n",
        "",
        0,
    ),
    (
        ["uniq"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["uniq", "-c"],
        "      1 NAME                      READY   STATUS             RESTARTS   AGE\n      1 frontend-7d9c8b6f5-abcde  1/1     Running            0          5d\n      1 cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\n      1 redis-cart-6b9c5d-qwert   1/1     Running            0          5d\n      1 payment-abc               1/1     Error              3          2h\n      1 checkout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (["uniq", "-d"], "", "", 0),
    (
        ["uniq", "-u"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (["cut", "-c1-5"], "NAME \nfront\ncart-\nredis\npayme\ncheck\n", "", 0),
    (
        ["cut", "-d", " ", "-f1"],
        "NAME\nfrontend-7d9c8b6f5-abcde\ncart-5f6d7c8b9-xyz12\nredis-cart-6b9c5d-qwert\npayment-abc\ncheckout-1\n",
        "",
        0,
    ),
    (
        ["cut", "-d", "-", "-f1,2"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5\ncart-5f6d7c8b9\nredis-cart\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["cut", "-f2"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nfrontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["cut"],
        "",
        "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
        1,
    ),
    (
        ["cut", "-d", "ab", "-f1"],
        "",
        "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n",
        1,
    ),
    (
        ["cut", "-f0"],
        "",
        "cut: fields are numbered from 1\nTry 'cut --help' for more information.\n",
        1,
    ),
    (
        ["cut", "-d-", "-f2-"],
        "NAME                      READY   STATUS             RESTARTS   AGE\n7d9c8b6f5-abcde  1/1     Running            0          5d\n5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\ncart-6b9c5d-qwert   1/1     Running            0          5d\nabc               1/1     Error              3          2h\n1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["cut", "-d-", "-f-2", "-s"],
        "frontend-7d9c8b6f5\ncart-5f6d7c8b9\nredis-cart\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["tr", "a-z", "A-Z"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nFRONTEND-7D9C8B6F5-ABCDE  1/1     RUNNING            0          5D\nCART-5F6D7C8B9-XYZ12      0/1     CRASHLOOPBACKOFF   12         5D\nREDIS-CART-6B9C5D-QWERT   1/1     RUNNING            0          5D\nPAYMENT-ABC               1/1     ERROR              3          2H\nCHECKOUT-1                1/1     RUNNING            10         1GI\n",
        "",
        0,
    ),
    (
        ["tr", "-d", " "],
        "NAMEREADYSTATUSRESTARTSAGE\nfrontend-7d9c8b6f5-abcde1/1Running05d\ncart-5f6d7c8b9-xyz120/1CrashLoopBackOff125d\nredis-cart-6b9c5d-qwert1/1Running05d\npayment-abc1/1Error32h\ncheckout-11/1Running101Gi\n",
        "",
        0,
    ),
    (
        ["tr", "-s", " "],
        "NAME READY STATUS RESTARTS AGE\nfrontend-7d9c8b6f5-abcde 1/1 Running 0 5d\ncart-5f6d7c8b9-xyz12 0/1 CrashLoopBackOff 12 5d\nredis-cart-6b9c5d-qwert 1/1 Running 0 5d\npayment-abc 1/1 Error 3 2h\ncheckout-1 1/1 Running 10 1Gi\n",
        "",
        0,
    ),
    (["tr"], "", "tr: missing operand\nTry 'tr --help' for more information.\n", 1),
    (
        ["tr", "a"],
        "",
        "tr: missing operand after 'a'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n",
        1,
    ),
    (
        ["tr", "-d", "a", "b"],
        "",
        "tr: extra operand 'b'\nOnly one string may be given when deleting without squeezing repeats.\nTry 'tr --help' for more information.\n",
        1,
    ),
    (
        ["tr", "[:lower:]", "[:upper:]"],
        "NAME                      READY   STATUS             RESTARTS   AGE\nFRONTEND-7D9C8B6F5-ABCDE  1/1     RUNNING            0          5D\nCART-5F6D7C8B9-XYZ12      0/1     CRASHLOOPBACKOFF   12         5D\nREDIS-CART-6B9C5D-QWERT   1/1     RUNNING            0          5D\nPAYMENT-ABC               1/1     ERROR              3          2H\nCHECKOUT-1                1/1     RUNNING            10         1GI\n",
        "",
        0,
    ),
    (
        ["tr", "-s", " ", "\\t"],
        "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nfrontend-7d9c8b6f5-abcde\t1/1\tRunning\t0\t5d\ncart-5f6d7c8b9-xyz12\t0/1\tCrashLoopBackOff\t12\t5d\nredis-cart-6b9c5d-qwert\t1/1\tRunning\t0\t5d\npayment-abc\t1/1\tError\t3\t2h\ncheckout-1\t1/1\tRunning\t10\t1Gi\n",
        "",
        0,
    ),
    (["tr", "-cd", "0-9\\n"], "\n798651105\n567891201125\n6951105\n1132\n111101\n", "", 0),
]


@pytest.mark.parametrize(
    ("argv", "stdout", "stderr", "code"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_matches_gnu(argv: list[str], stdout: str, stderr: str, code: int, pods_table: str) -> None:
    result = run_filter(argv, pods_table)
    assert (result.stdout, result.stderr, result.exit_code) == (stdout, stderr, code)
