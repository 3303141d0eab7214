"""mongo / mongosh: the flags they accept, and their `--eval` expressions by a positive grammar."""

from __future__ import annotations

from aoi.gate.facts import FORBIDDEN, READ, WRITE, Facts, Outcome, forbid
from aoi.gate.flags import FlagError, FlagSpec, parse
from aoi.gate.mongo_eval import classify_eval

_MONGO_SPEC = FlagSpec(
    {
        "u": ("username", True),
        "p": ("password", True),
        "h": ("help", False),
        "f": ("file", True),
    },
    frozenset(
        {
            "eval",
            "username",
            "password",
            "authenticationDatabase",
            "authenticationMechanism",
            "host",
            "port",
            "tlsCAFile",
            "tlsCertificateKeyFile",
            "tlsCertificateKeyFilePassword",
            "sslCAFile",
            "sslPEMKeyFile",
            "sslPEMKeyPassword",
            "gssapiServiceName",
            "file",
            "apiVersion",
            "retryWrites",
        }
    ),
    frozenset({"json"}),
    strict_short=True,
)


def classify_mongo(argv: list[str]) -> Outcome:
    """Classify `mongo` / `mongosh` by its --eval expressions; no --eval is interactive."""
    program = argv[0].rsplit("/", 1)[-1]
    try:
        args = parse(argv, _MONGO_SPEC, start=1)
    except FlagError as err:
        return forbid(f"{program}: {err.reason}")
    if args.has("shell") or args.has("file"):
        return forbid(f"{program} --shell/--file is not available; pass the expression with --eval")
    # the first positional is the database address; every further one (and a first one
    # ending in .js / .mongodb) is a script file the shell would run
    files = args.positionals[1:]
    if args.positionals and args.positionals[0].endswith((".js", ".mongodb")):
        files = args.positionals
    if files:
        return forbid(
            f"{program} script files ({files[0]}) are not available; pass the expression with --eval"
        )
    evals = args.flags.get("eval")
    if not evals:
        return forbid(
            f"{program} without --eval opens an interactive shell; add --eval 'EXPRESSION'"
        )
    writes: set[str] = set()
    for expr in evals:
        result = classify_eval(expr)
        if result.kind is FORBIDDEN:
            return Outcome(FORBIDDEN, f"{program} --eval: {result.reason}")
        if result.facts is not None:
            writes |= result.facts.writes
    facts = Facts("mongo", "eval", program=program, writes=frozenset(writes))
    if writes:
        return Outcome(
            WRITE, f"{program} --eval changes the database ({', '.join(sorted(writes))})", facts
        )
    return Outcome(READ, f"{program} --eval only reads the database", facts)
