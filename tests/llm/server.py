"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, run in a thread.

Bounded: a reply that hangs waits at most `HANG_LIMIT_S` (or until the server
stops), and every request is recorded. A script is a list of replies served in
order, then `default` for every later request; a reply may also be a function of
the request body (a scripted agent answers by what the prompt asks).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG_LIMIT_S = 20.0


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # accept the request, then never answer (until the server stops)


Responder = Callable[[dict[str, Any]], Reply]


def chat(*texts: str, prompt_tokens: int = 11, completion_tokens: int | None = None) -> Reply:
    """A 200 chat completion with one choice per text."""
    choices = [
        {"index": i, "message": {"role": "assistant", "content": t}, "finish_reason": "stop"}
        for i, t in enumerate(texts)
    ]
    used = completion_tokens if completion_tokens is not None else 5 * len(texts)
    return Reply(
        body={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": used,
                "total_tokens": prompt_tokens + used,
            },
        }
    )


EXHAUSTED = Reply(500, {"error": {"message": "script exhausted"}})


class Script:
    """What the server answers, in order, and what it was sent."""

    def __init__(self, replies: list[Reply | Responder], default: Reply | Responder) -> None:
        self.replies = list(replies)
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def next(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> Reply:
        with self.lock:
            self.paths.append(path)
            self.headers.append(headers)
            self.requests.append(body)
            reply = self.replies.pop(0) if self.replies else self.default
        return reply(body) if callable(reply) else reply


@contextmanager
def serve(
    replies: list[Reply | Responder], *, default: Reply | Responder = EXHAUSTED
) -> Iterator[tuple[str, Script]]:
    """Serve ``replies`` then ``default``; yield (base URL ending in /v1, script)."""
    script = Script(replies, default)
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = script.next(self.path, dict(self.headers), body)
            if reply.hang:
                stopping.wait(HANG_LIMIT_S)
                return
            payload = (
                reply.body.encode()
                if isinstance(reply.body, str)
                else json.dumps(reply.body).encode()
            )
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    """A loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
