"""grep over a kubectl table: options, BRE/ERE, context, errors."""

from __future__ import annotations

import pytest

from aoi.shelltools import run_filter

# (argv, stdout, stderr, exit code) as GNU tools print them with LC_ALL=C.
CASES = [
    (
        ["grep", "-i", "running"],
        "frontend-7d9c8b6f5-abcde  1/1     Running            0          5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["grep", "-v", "Running"],
        "NAME                      READY   STATUS             RESTARTS   AGE\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\npayment-abc               1/1     Error              3          2h\n",
        "",
        0,
    ),
    (["grep", "-c", "Running"], "3\n", "", 0),
    (
        ["grep", "-n", "cart"],
        "3:cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\n4:redis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (["grep", "-o", "[0-9]/[0-9]"], "1/1\n0/1\n1/1\n1/1\n1/1\n", "", 0),
    (
        ["grep", "-w", "cart"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["grep", "-E", "Crash|Error"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\npayment-abc               1/1     Error              3          2h\n",
        "",
        0,
    ),
    (
        ["grep", "Crash\\|Error"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\npayment-abc               1/1     Error              3          2h\n",
        "",
        0,
    ),
    (
        ["grep", "-F", "1/1"],
        "frontend-7d9c8b6f5-abcde  1/1     Running            0          5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["grep", "-A", "1", "cart-"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\n",
        "",
        0,
    ),
    (
        ["grep", "-B1", "redis"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["grep", "-C", "1", "payment"],
        "redis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["grep", "-e", "cart", "-e", "redis"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (["grep", "nomatch"], "", "", 1),
    (
        ["grep", "-z"],
        "",
        "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
        2,
    ),
    (
        ["grep", "-Q", "x"],
        "",
        "grep: invalid option -- 'Q'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
        2,
    ),
    (
        ["grep", "--foo"],
        "",
        "grep: unrecognized option '--foo'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
        2,
    ),
    (
        ["grep", "-A"],
        "",
        "grep: option requires an argument -- 'A'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
        2,
    ),
    (["grep", "\\("], "", "grep: Unmatched ( or \\(\n", 2),
    (["grep", "-E", "("], "", "grep: Unmatched ( or \\(\n", 2),
    (["grep", "["], "", "grep: Invalid regular expression\n", 2),
    (["grep", "-x", "x"], "", "", 1),
    (
        ["grep", "-in", "ERROR"],
        "5:payment-abc               1/1     Error              3          2h\n",
        "",
        0,
    ),
    (["grep", "-vc", "Running"], "3\n", "", 0),
    (
        ["grep", "-m1", "Running"],
        "frontend-7d9c8b6f5-abcde  1/1     Running            0          5d\n",
        "",
        0,
    ),
    (
        ["grep", "-2", "payment"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\npayment-abc               1/1     Error              3          2h\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["grep", "^[a-z]*-[0-9]"],
        "frontend-7d9c8b6f5-abcde  1/1     Running            0          5d\ncart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\ncheckout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["grep", "-E", "^(cart|redis)"],
        "cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\nredis-cart-6b9c5d-qwert   1/1     Running            0          5d\n",
        "",
        0,
    ),
    (["grep", "-oE", "[0-9]+d"], "7d\n5d\n6d\n5d\n5d\n5d\n", "", 0),
    (["grep", "Running$"], "", "", 1),
    (["grep", "a\\{2\\}"], "", "", 1),
    (["grep", "-E", "x{2,1}"], "", "grep: Invalid content of \\{\\}\n", 2),
    (
        ["grep", "-n", "-A1", "-B1", "Running"],
        "1-NAME                      READY   STATUS             RESTARTS   AGE\n2:frontend-7d9c8b6f5-abcde  1/1     Running            0          5d\n3-cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d\n4:redis-cart-6b9c5d-qwert   1/1     Running            0          5d\n5-payment-abc               1/1     Error              3          2h\n6:checkout-1                1/1     Running            10         1Gi\n",
        "",
        0,
    ),
    (
        ["grep", "[[:digit:]]h"],
        "payment-abc               1/1     Error              3          2h\n",
        "",
        0,
    ),
    (["grep", "-l", "cart"], "(standard input)\n", "", 0),
    (["grep", "-q", "cart"], "", "", 0),
]


@pytest.mark.parametrize(
    ("argv", "stdout", "stderr", "code"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_matches_gnu(argv: list[str], stdout: str, stderr: str, code: int, pods_table: str) -> None:
    result = run_filter(argv, pods_table)
    assert (result.stdout, result.stderr, result.exit_code) == (stdout, stderr, code)
