"""Commands run inside a container by `kubectl exec POD -- COMMAND`."""

from __future__ import annotations

from aoi.gate.facts import FORBIDDEN, READ, WRITE, Facts, Outcome, forbid, worst
from aoi.gate.flags import FlagError, FlagSpec, parse, words
from aoi.gate.mongo import classify_mongo
from aoi.shell import (
    AndOr,
    CommandSub,
    For,
    Group,
    If,
    Pipeline,
    Sequence,
    ShellSyntaxError,
    Simple,
    While,
    Word,
    simple_commands,
)
from aoi.shell import parse as parse_shell

MAX_SCRIPT_SLEEP_S = 60
"""Longest a container's script may sleep in all, loops counted: nothing outside bounds it."""

_SYSTEM_DIRS = frozenset({"/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"})

# Programs that only read whatever their arguments are.
_READERS = words(
    """
    cat head ls printenv ps df du free uptime whoami id uname pwd stat wc grep egrep
    fgrep which md5sum sha1sum sha256sum nslookup dig host getent netstat ss lsof
    nproc lscpu vmstat iostat file readlink realpath basename dirname sort uniq cut
    tr echo true test ifconfig cksum zcat jq
    """
)
_WRITERS = words(
    """
    rm mv cp chmod chown chgrp kill pkill killall touch mkdir rmdir ln truncate tee
    mongorestore mongoimport mongodump install unlink
    """
)
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_NEVER = {
    "python": "interpreters",
    "python3": "interpreters",
    "perl": "interpreters",
    "node": "interpreters",
    "ruby": "interpreters",
    "php": "interpreters",
    "awk": "awk programs can run commands inside the pod",
    "gawk": "awk programs can run commands inside the pod",
    "sed": "sed can write files; read with grep, head or tail",
    "socat": "raw network tools",
    "telnet": "raw network tools",
    "ssh": "remote shells",
    "scp": "remote copies",
    "dd": "raw disk access",
    "su": "changing user",
    "sudo": "changing user",
    "chroot": "changing root",
    "nsenter": "entering namespaces",
    "xargs": "running other programs",
    "nohup": "running other programs",
    "timeout": "running other programs",
    "nice": "running other programs",
    "watch": "commands that never end",
    "exec": "running other programs",
    "eval": "running other programs",
    "source": "running other programs",
    "apt": "package managers",
    "apt-get": "package managers",
    "apk": "package managers",
    "yum": "package managers",
    "pip": "package managers",
    "npm": "package managers",
    "crontab": "scheduling programs",
    "shutdown": "stopping the machine",
    "reboot": "stopping the machine",
    "halt": "stopping the machine",
    "mount": "mounting file systems",
    "umount": "mounting file systems",
}

_FIND_ACTIONS = frozenset(
    {"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls"}
)


def _follows(arg: str) -> bool:
    if arg.startswith("--"):
        return arg.startswith(("--follow", "--retry"))
    return arg.startswith("-") and ("f" in arg or "F" in arg)


_CURL_SPEC = FlagSpec(
    {c: (c, True) for c in "xUErYyzwHAebcdFTuoXmKCtQD"},
    words(
        """
        request header data data-raw data-binary data-urlencode data-ascii form form-string
        output user max-time connect-timeout write-out user-agent referer cookie cookie-jar
        upload-file config proxy cacert cert key retry resolve dump-header quote url
        """
    ),
    strict_short=False,
)
_WGET_SPEC = FlagSpec(
    {c: (c, True) for c in "OoaieTtwUPY"},
    words(
        """
        output-document output-file append-output input-file execute timeout tries wait
        user-agent directory-prefix header user password post-data post-file method body-data
        body-file
        """
    ),
    strict_short=False,
)
_REDIS_SPEC = FlagSpec(
    {c: (c, True) for c in "hpanusr"} | {"c": ("c", False), "e": ("e", False)},
    frozenset({"user", "pass", "tls", "cacert", "cert", "key", "askpass"}),
    strict_short=False,
)
_REDIS_READ = words(
    """
    GET MGET KEYS SCAN INFO PING DBSIZE TTL PTTL TYPE EXISTS HGET HMGET HGETALL HKEYS
    HVALS HLEN HEXISTS LRANGE LLEN LINDEX SMEMBERS SCARD SISMEMBER ZRANGE ZCARD ZSCORE
    ZRANK ZRANGEBYSCORE STRLEN ROLE TIME LASTSAVE XLEN XRANGE XINFO ECHO OBJECT MEMORY
    SLOWLOG CLIENT CLUSTER CONFIG COMMAND
    """
)
_REDIS_READ_SUB = {
    "CONFIG": {"GET"},
    "CLIENT": {"LIST", "INFO", "GETNAME", "ID"},
    "SLOWLOG": {"GET", "LEN"},
    "MEMORY": {"USAGE", "STATS", "DOCTOR"},
    "CLUSTER": {"INFO", "NODES", "SLOTS", "SHARDS"},
    "OBJECT": {"ENCODING", "IDLETIME", "FREQ", "REFCOUNT"},
    "COMMAND": {"COUNT", "INFO", "DOCS", "LIST"},
}
_REDIS_NEVER = words(
    """
    FLUSHALL FLUSHDB SHUTDOWN DEBUG MODULE SCRIPT EVAL EVALSHA EVAL_RO FUNCTION FCALL
    MIGRATE SLAVEOF REPLICAOF MONITOR SUBSCRIBE PSUBSCRIBE SSUBSCRIBE SYNC PSYNC ACL
    """
)
_IP_READ = frozenset({"addr", "a", "address", "route", "r", "link", "l", "neigh", "n", "rule"})


def _ok(program: str, what: str = "only reads") -> Outcome:
    return Outcome(READ, f"`{program}` {what}", Facts("exec", program, program=program))


def _write(program: str, what: str, writes: frozenset[str] = frozenset()) -> Outcome:
    return Outcome(
        WRITE, f"`{program}` {what}", Facts("exec", program, program=program, writes=writes)
    )


def classify_inner(argv: list[str], depth: int = 0) -> Outcome:
    """Classify a command that kubectl exec runs inside a container."""
    path = argv[0]
    program = path
    if "/" in path:
        directory, _, program = path.rpartition("/")
        if directory not in _SYSTEM_DIRS:
            return forbid(f"run programs from the system path by name, not {path!r}")
    args = argv[1:]
    if program in ("mongo", "mongosh"):
        return classify_mongo(argv)
    if program in _SHELLS:
        return _shell(program, args, depth)
    if program == "redis-cli":
        return _redis(args)
    if program == "curl":
        return _curl(args)
    if program == "wget":
        return _wget(args)
    if program in _WRITERS:
        return _write(program, "changes files or processes in the container", frozenset({program}))
    never = _NEVER.get(program)
    if never is not None:
        return forbid(f"`{program}` is not allowed inside containers ({never})")
    if program == "tail":
        if any(_follows(a) for a in args):
            return forbid("`tail -f` never ends; use tail -n N")
        return _ok(program)
    if program == "find":
        if any(a in _FIND_ACTIONS for a in args):
            return forbid(
                "`find` with -exec/-delete/-fprint runs or writes; list files with find PATH -name X"
            )
        return _ok(program)
    if program in ("env", "printenv"):
        if any(not a.startswith("-") for a in args) and program == "env":
            return forbid("`env NAME=VALUE COMMAND` runs another program; use `env` alone to print")
        return _ok(program, "prints the environment")
    if program == "hostname":
        if any(not a.startswith("-") for a in args):
            return _write(program, "with an argument renames the host")
        return _ok(program)
    if program == "date":
        if any(a.startswith("-s") or a.startswith("--set") for a in args):
            return _write(program, "-s sets the clock")
        return _ok(program)
    endless = _ENDLESS_FILES.intersection(args)
    if endless and program != "head":
        return forbid(f"`{program} {min(endless)}` never ends; read a regular file")
    if program == "ping":
        return _ping(args)
    if program == "top":
        return _top(args)
    if program in ("vmstat", "iostat"):
        return _interval_count(program, args)
    if program == "ip":
        words = [a for a in args if not a.startswith("-")]
        if (
            words
            and words[0] in _IP_READ
            and (len(words) == 1 or words[1] in ("show", "list", "ls"))
        ):
            return _ok(program)
        return _write(program, "changes network settings")
    if program == "ifconfig" and len([a for a in args if not a.startswith("-")]) > 1:
        return _write(program, "changes network settings")
    if program in ("sort", "uniq"):
        return _sort_uniq(program, args)
    if program in ("nc", "ncat"):
        return _nc(program, args)
    if program in _READERS:
        return _ok(program)
    return forbid(f"`{program}` is not known to the gate; read with cat, ls, env, ps or df")


# programs that only read whatever their arguments turn out to be, so a word the
# container's shell computes ($VAR, $(...), a glob) may stand among them
_ANY_ARGS = words(
    """
    cat head ls echo printf nslookup dig host getent stat wc file readlink realpath
    basename dirname md5sum sha1sum sha256sum cksum true test [ ping
    """
)
_SCRIPT_BUILTINS = words("echo printf true false : test [ read sleep")
_HARMLESS = frozenset(
    {(None, ">", "/dev/null"), (2, ">", "/dev/null"), (1, ">", "/dev/null")}
    | {(None, "&>", "/dev/null"), (2, ">&", "1"), (1, ">&", "2"), (None, ">&", "2")}
)


def _shell(program: str, args: list[str], depth: int) -> Outcome:
    if len(args) != 2 or args[0] != "-c":
        return forbid(
            f"`{program}` opens a shell; run the program directly or use {program} -c 'COMMAND'"
        )
    if depth >= 1:
        return forbid("nested shells are not allowed")
    try:
        tree = parse_shell(args[1])
    except ShellSyntaxError as err:
        return forbid(f"{program} -c script: {err.reason}")
    problem = _unbounded(tree)
    if problem is not None:
        return forbid(f"{program} -c script: {problem}")
    result: Outcome | None = None
    writes: set[str] = set()
    for command in simple_commands(tree):
        for r in command.redirects:
            if (r.fd, r.op, r.target.literal) not in _HARMLESS:
                return forbid(
                    f"{program} -c script: redirection `{r.op}` writes or reads files in the "
                    "container; only 2>&1 and >/dev/null are available"
                )
        if not command.words:
            continue  # NAME=value only sets a variable in the container's shell
        if command.assigns:
            return forbid(f"{program} -c script: `VAR=x cmd` is not available")
        first = command.words[0].literal
        if first is None:
            return forbid(f"{program} -c script: the program name must be written out")
        argv = [first]
        for word in command.words[1:]:
            value = word.literal
            if value is None:
                if first.rsplit("/", 1)[-1] not in _ANY_ARGS:
                    return forbid(
                        f"{program} -c script: computed words ($VAR, $(...)) are only "
                        f"available as arguments of {', '.join(sorted(_ANY_ARGS))}"
                    )
                value = "x"
            argv.append(value)
        if first in _SCRIPT_BUILTINS:
            step = _ok(first, "is a shell builtin")
            if first == "sleep" and not all(a.isdigit() and int(a) <= 60 for a in argv[1:]):
                step = forbid("sleep takes whole seconds, at most 60")
        else:
            step = classify_inner(argv, depth + 1)
        if step.facts is not None:
            writes |= step.facts.writes
        result = step if result is None else worst(result, step)
    if result is None:
        return _ok(program, "-c only sets variables")
    if result.kind is FORBIDDEN:
        return result
    facts = Facts("exec", program, program=program, writes=frozenset(writes))
    if result.kind is WRITE:
        return Outcome(WRITE, f"{program} -c: {result.reason}", facts)
    return Outcome(READ, f"{program} -c: every step only reads", facts)


# GNU sort and uniq, as positive tables: a long option outside them (an abbreviation
# such as --compress for --compress-program included) is refused.
def _unbounded(tree: Sequence) -> str | None:
    """Why a container's script may run without end, or None.

    The container's shell runs it, out of reach of AOI's limits: a while/until
    loop has no bound, and sleeps (times the rounds of the for loops around
    them) may add up to MAX_SCRIPT_SLEEP_S.
    """
    slept = [0.0]
    return _walk_bound(tree, 1, slept)


def _walk_bound(node: object, rounds: int | None, slept: list[float]) -> str | None:
    if isinstance(node, Sequence | Group):
        items = node.items if isinstance(node, Sequence) else (node.body,)
        for item in items:
            problem = _walk_bound(item, rounds, slept)
            if problem is not None:
                return problem
        return None
    if isinstance(node, AndOr):
        for pipeline in (node.first, *(p for _, p in node.rest)):
            problem = _walk_bound(pipeline, rounds, slept)
            if problem is not None:
                return problem
        return None
    if isinstance(node, Pipeline):
        for command in node.commands:
            problem = _walk_bound(command, rounds, slept)
            if problem is not None:
                return problem
        return None
    if isinstance(node, While):
        return (
            f"`{'until' if node.until else 'while'}` loops run in the container's shell, where "
            "nothing bounds them; loop in AOI's shell around kubectl exec instead"
        )
    if isinstance(node, For):
        words = node.words or ()
        inner: int | None = None
        if rounds is not None and all(w.literal is not None for w in words):
            inner = rounds * len(words)
        for word in words:
            problem = _words_bound(word, rounds, slept)
            if problem is not None:
                return problem
        return _walk_bound(node.body, inner, slept)
    if isinstance(node, If):
        parts = [s for branch in node.branches for s in branch]
        if node.orelse is not None:
            parts.append(node.orelse)
        for part in parts:
            problem = _walk_bound(part, rounds, slept)
            if problem is not None:
                return problem
        return None
    if isinstance(node, Simple):
        for word in node.words:
            problem = _words_bound(word, rounds, slept)
            if problem is not None:
                return problem
        argv = node.argv
        if node.words and node.words[0].literal == "sleep":
            seconds = 0.0
            for a in argv[1:] if argv is not None else ["?"]:
                if not a.isdigit():
                    return "sleep takes whole seconds written out, at most 60"
                seconds += int(a)
            if rounds is None and seconds:
                return "sleep inside a for loop over computed words has no bound; list the words"
            slept[0] += seconds * (rounds or 0)
            if slept[0] > MAX_SCRIPT_SLEEP_S:
                return (
                    f"the script sleeps {slept[0]:g} s in all (loops counted); "
                    f"at most {MAX_SCRIPT_SLEEP_S} s"
                )
    return None


def _words_bound(word: Word, rounds: int | None, slept: list[float]) -> str | None:
    if word.literal is not None:
        return None
    for part in word.parts:
        if isinstance(part, CommandSub):
            problem = _walk_bound(part.body, rounds, slept)
            if problem is not None:
                return problem
    return None


_SORT_SPEC = FlagSpec(
    {c: (c, True) for c in "ktSTo"} | {c: (c, False) for c in "bdfgiMhnRrVcCsuzm"},
    words(
        """
        key field-separator buffer-size temporary-directory parallel output sort files0-from
        compress-program random-source batch-size check
        """
    ),
    frozenset({"check"}),
    long_switch=words(
        """
        ignore-leading-blanks dictionary-order ignore-case general-numeric-sort
        ignore-nonprinting month-sort human-numeric-sort numeric-sort random-sort reverse
        version-sort debug merge stable unique zero-terminated help version
        """
    ),
)
_UNIQ_SPEC = FlagSpec(
    {c: (c, True) for c in "fsw"} | {c: (c, False) for c in "cdDiuz"},
    words("skip-fields skip-chars check-chars all-repeated group"),
    frozenset({"all-repeated", "group"}),
    long_switch=words("count repeated ignore-case unique zero-terminated help version"),
)
# sort options that run a program or read a file named on the command line
_SORT_REFUSED = {
    "compress-program": "runs a program to compress its temporary files",
    "T": "names a directory to write temporary files in",
    "temporary-directory": "names a directory to write temporary files in",
    "files0-from": "reads the names of files to sort from a file",
    "random-source": "reads a file for random bytes",
}
_NC_SPEC = FlagSpec(
    {c: (c, True) for c in "wpsiqxXIOTPG"} | {c: (c, False) for c in "zvnu46NdDkltUCreEFbh"},
    frozenset(),
    strict_short=True,
)


# device files a reader never reaches the end of
_ENDLESS_FILES = frozenset(
    {"/dev/zero", "/dev/urandom", "/dev/random", "/dev/full", "/dev/stdin", "/dev/tty"}
    | {"/dev/console", "/dev/fd/0", "/proc/self/fd/0", "/proc/kmsg"}
)
MAX_REPORT_S = 60
"""Longest a reporting tool (ping, top, vmstat, iostat) may run inside a container."""
_PING_SPEC = FlagSpec(
    {c: (c, True) for c in "cisWwtIlmMpQST"} | {c: (c, False) for c in "46aAbBdDfLnOqrRUvV"},
    frozenset(),
    strict_short=False,
)
_TOP_SPEC = FlagSpec(
    {c: (c, True) for c in "ndopuUw"} | {c: (c, False) for c in "bcEeHiOSs1"},
    frozenset(),
    strict_short=False,
)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _ping(args: list[str]) -> Outcome:
    try:
        parsed = parse(args, _PING_SPEC)
    except FlagError as err:
        return forbid(f"ping: {err.reason}")
    if parsed.has("f"):
        return forbid("ping -f floods the network; use ping -c 3 HOST")
    count = _number(parsed.last("c"))
    interval = _number(parsed.last("i")) if parsed.has("i") else 1.0
    deadline = _number(parsed.last("w")) if parsed.has("w") else None
    if count is None and deadline is None:
        return forbid("`ping` without -c never ends; use ping -c 3 HOST")
    seconds = deadline if deadline is not None else (count or 0) * (interval or 0)
    if interval is None or seconds is None or seconds > MAX_REPORT_S:
        return forbid(f"ping would run past {MAX_REPORT_S} s; use ping -c 3 HOST")
    return _ok("ping")


def _top(args: list[str]) -> Outcome:
    try:
        parsed = parse(args, _TOP_SPEC)
    except FlagError as err:
        return forbid(f"top: {err.reason}")
    if not parsed.has("b"):
        return forbid("`top` is interactive; use top -b -n 1")
    rounds = _number(parsed.last("n"))
    delay = _number(parsed.last("d")) if parsed.has("d") else 3.0
    if rounds is None:
        return forbid("`top -b` without -n never ends; use top -b -n 1")
    if delay is None or rounds * delay > MAX_REPORT_S:
        return forbid(f"top would run past {MAX_REPORT_S} s; use top -b -n 1")
    return _ok("top")


def _interval_count(program: str, args: list[str]) -> Outcome:
    numbers = [a for a in args if not a.startswith("-")]
    if not numbers:
        return _ok(program)
    delay = _number(numbers[0])
    count = _number(numbers[1]) if len(numbers) > 1 else None
    if delay is None or (len(numbers) > 1 and count is None) or len(numbers) > 2:
        return forbid(f"{program} takes [DELAY [COUNT]] as numbers")
    if count is None:
        return forbid(f"`{program} {numbers[0]}` never ends; give a count: {program} 1 5")
    if delay * count > MAX_REPORT_S:
        return forbid(f"{program} would run past {MAX_REPORT_S} s; use {program} 1 5")
    return _ok(program)


def _sort_uniq(program: str, args: list[str]) -> Outcome:
    try:
        parsed = parse(args, _SORT_SPEC if program == "sort" else _UNIQ_SPEC)
    except FlagError as err:
        return forbid(f"{program}: {err.reason}")
    operands = parsed.positionals + (parsed.rest or [])
    if program == "sort":
        if parsed.has("o") or parsed.has("output"):
            return _write(program, "-o writes a file", frozenset({"sort -o"}))
        for name, effect in _SORT_REFUSED.items():
            if parsed.has(name):
                dash = "-" if len(name) == 1 else "--"
                return forbid(f"sort {dash}{name} {effect}; drop it")
        return _ok(program)
    if len(operands) > 1:
        return _write(program, "with two file operands writes the second", frozenset({"uniq OUT"}))
    return _ok(program)


def _nc(program: str, args: list[str]) -> Outcome:
    """`nc -z HOST PORT...` only checks that ports answer; anything else moves bytes."""
    try:
        parsed = parse(args, _NC_SPEC)
    except FlagError as err:
        return forbid(f"{program}: {err.reason}")
    flags = parsed.flags
    if not parsed.on("z"):
        return forbid(
            f"`{program}` without -z sends or serves raw bytes; check a port with {program} -zv HOST PORT"
        )
    for letter in "lecCetUk":
        if letter in flags:
            return forbid(f"{program} -{letter} listens, runs programs or uses sockets files")
    if len(parsed.positionals) < 2:
        return forbid(f"{program} -z needs a host and a port: {program} -zv HOST PORT")
    return _ok(program, "-z checks that a port answers")


def _redis(args: list[str]) -> Outcome:
    try:
        parsed = parse(args, _REDIS_SPEC)
    except FlagError as err:
        return forbid(f"redis-cli: {err.reason}")
    words = parsed.positionals
    if not words:
        return forbid(
            "redis-cli without a command is interactive; add the command, e.g. redis-cli INFO"
        )
    cmd = words[0].upper()
    if cmd in _REDIS_NEVER:
        return forbid(f"redis {cmd} is not allowed")
    if cmd in _REDIS_READ:
        subs = _REDIS_READ_SUB.get(cmd)
        if subs is None or (len(words) > 1 and words[1].upper() in subs):
            return _ok("redis-cli", f"{cmd} only reads")
    return _write("redis-cli", f"{' '.join(words[:2])} changes the cache", frozenset({cmd}))


def _curl(args: list[str]) -> Outcome:
    try:
        parsed = parse(args, _CURL_SPEC)
    except FlagError as err:
        return forbid(f"curl: {err.reason}")
    flags = parsed.flags
    if "K" in flags or "config" in flags:
        return forbid("curl -K/--config reads options from a file; pass them on the command line")
    for url in [*parsed.positionals, *(parsed.last(f) or "" for f in ("url",))]:
        if not url:
            continue
        scheme = url.split("://", 1)[0].lower() if "://" in url else "http"
        if scheme not in ("http", "https"):
            return forbid(
                f"curl {scheme}:// sends raw bytes to a server (it can write); only http(s) GETs are reads"
            )
        host = url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0].lower()
        if host.startswith("169.254.") or host in (
            "metadata.google.internal",
            "metadata",
            "[fd00:ec2::254]",
        ):
            return forbid("the cloud metadata service hands out credentials; it is not for agents")
    method = (parsed.last("X") or parsed.last("request") or "GET").upper()
    sends = any(
        f in flags
        for f in (
            "d",
            "F",
            "T",
            "data",
            "data-raw",
            "data-binary",
            "data-urlencode",
            "data-ascii",
            "form",
            "form-string",
            "upload-file",
            "json",
        )
    )
    saves = any(
        f in flags
        for f in (
            "o",
            "O",
            "output",
            "remote-name",
            "remote-name-all",
            "c",
            "cookie-jar",
            "D",
            "dump-header",
            "Q",
            "quote",
        )
    )
    if sends or method not in ("GET", "HEAD"):
        return _write("curl", "sends data or a non-GET request")
    if saves:
        return _write("curl", "writes files in the container")
    return _ok("curl", "makes a GET request")


def _wget(args: list[str]) -> Outcome:
    try:
        parsed = parse(args, _WGET_SPEC)
    except FlagError as err:
        return forbid(f"wget: {err.reason}")
    flags = parsed.flags
    if "e" in flags or "execute" in flags:
        return forbid("wget -e runs wgetrc commands; pass options on the command line")
    if any(f in flags for f in ("post-data", "post-file", "method", "body-data", "body-file")):
        return _write("wget", "sends data")
    if "spider" in flags:
        return _ok("wget", "checks a URL")
    out = parsed.last("O") or parsed.last("output-document")
    if out != "-":
        return _write("wget", "saves a file in the container; use wget -qO- URL to read")
    return _ok("wget", "reads a URL")
