"""OpenAICompatible against a real HTTP server on the loopback."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from aoi.llm import (
    AuthenticationFailed,
    Backoff,
    BadResponse,
    ContextTooLong,
    EndpointUnavailable,
    Message,
    OpenAICompatible,
    RateLimited,
    RequestRejected,
    total_usage,
)

from .server import Reply, chat, closed_port, serve

FAST = Backoff(initial=0.001, max_delay=0.01)
ASK = [Message.system("You are an SRE."), Message.user("What is wrong with geo?")]


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AOI_LLM_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def model(url: str, **kw: object) -> OpenAICompatible:
    kw.setdefault("backoff", FAST)
    return OpenAICompatible(url, "tiny", **kw)  # type: ignore[arg-type]


def test_one_completion_sends_the_request_and_reads_text_and_usage() -> None:
    with serve([chat("geo crashes", prompt_tokens=20, completion_tokens=3)]) as (url, script):
        out = model(url, extra_body={"top_k": 20}).complete(
            ASK,
            temperature=0.2,
            max_tokens=64,
            stop=["\n\n"],
            response_format={"type": "json_object"},
        )
    assert [c.text for c in out] == ["geo crashes"]
    assert out[0].finish_reason == "stop"
    assert (out[0].usage.prompt_tokens, out[0].usage.completion_tokens) == (20, 3)
    assert not out[0].usage.estimated
    sent = script.requests[0]
    assert script.paths == ["/v1/chat/completions"]
    assert sent["model"] == "tiny"
    assert sent["messages"] == [m.to_dict() for m in ASK]
    assert sent["temperature"] == 0.2
    assert sent["max_tokens"] == 64
    assert sent["stop"] == ["\n\n"]
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["top_k"] == 20
    assert "n" not in sent
    assert "Authorization" not in script.headers[0]


def test_key_comes_from_the_environment_and_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-openai")
    monkeypatch.setenv("AOI_LLM_API_KEY", "sk-secret-aoi")
    with serve([chat("ok")]) as (url, script):
        m = model(url)
        m.complete(ASK)
    assert script.headers[0]["Authorization"] == "Bearer sk-secret-aoi"
    assert "secret" not in repr(m)


def test_n_samples_in_one_request_and_usage_sums_to_the_request() -> None:
    reply = chat("a", "bb bb", "ccc ccc ccc", prompt_tokens=30, completion_tokens=12)
    with serve([reply]) as (url, script):
        m = model(url)
        out = m.complete(ASK, n=3)
    assert [c.text for c in out] == ["a", "bb bb", "ccc ccc ccc"]
    assert script.requests[0]["n"] == 3
    assert len(script.requests) == 1
    total = total_usage(out)
    assert (total.prompt_tokens, total.completion_tokens) == (30, 12)
    assert out[0].usage.prompt_tokens == 30
    assert out[1].usage.prompt_tokens == out[2].usage.prompt_tokens == 0
    assert m.supports_n is True


def test_a_server_that_ignores_n_is_topped_up_with_sequential_calls() -> None:
    replies = [chat(f"answer {i}", prompt_tokens=10, completion_tokens=2) for i in range(5)]
    with serve(replies) as (url, script):
        m = model(url)
        out = m.complete(ASK, n=3)
        assert m.supports_n is False
        again = m.complete(ASK, n=2)
    assert [c.text for c in out] == ["answer 0", "answer 1", "answer 2"]
    assert [c.text for c in again] == ["answer 3", "answer 4"]
    assert [r.get("n") for r in script.requests] == [3, None, None, None, None]
    total = total_usage(out)
    assert (total.prompt_tokens, total.completion_tokens) == (30, 6)


def test_a_500_is_retried_and_the_next_answer_served() -> None:
    replies = [Reply(500, {"error": {"message": "CUDA out of memory"}}), chat("recovered")]
    with serve(replies) as (url, script):
        out = model(url).complete(ASK)
    assert [c.text for c in out] == ["recovered"]
    assert len(script.requests) == 2


def test_5xx_after_all_retries_is_endpoint_unavailable() -> None:
    replies = [Reply(503, {"error": "overloaded"})] * 4
    with serve(replies) as (url, script), pytest.raises(EndpointUnavailable) as err:
        model(url, max_retries=2).complete(ASK)
    assert len(script.requests) == 3
    assert err.value.status == 503
    assert "503" in str(err.value) and "overloaded" in str(err.value)


def test_429_is_retried_then_reported_as_rate_limited() -> None:
    limited = Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
    with serve([limited, chat("ok")]) as (url, _):
        assert model(url).complete(ASK)[0].text == "ok"
    with serve([limited] * 3) as (url, script), pytest.raises(RateLimited, match="slow down"):
        model(url, max_retries=2).complete(ASK)
    assert len(script.requests) == 3


def test_dead_endpoint_raises_endpoint_unavailable_after_retries_quickly() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    start = time.monotonic()
    with pytest.raises(EndpointUnavailable) as err:
        model(url, max_retries=3).complete(ASK)
    assert time.monotonic() - start < 5
    message = str(err.value)
    assert f"{url}/chat/completions" in message
    assert "after 4 attempt(s)" in message
    assert "check that the server is running" in message
    assert err.value.url == f"{url}/chat/completions"


def test_a_read_time_out_is_reported_once_without_retry() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    m = OpenAICompatible(
        "http://model.test/v1",
        "tiny",
        timeout=2,
        max_retries=3,
        backoff=FAST,
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(EndpointUnavailable, match="timed out after 2s"):
        m.complete(ASK)
    assert len(calls) == 1


def test_connect_time_outs_are_retried_and_say_so() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectTimeout("no route", request=request)

    m = OpenAICompatible(
        "http://model.test/v1",
        "tiny",
        max_retries=1,
        backoff=FAST,
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(EndpointUnavailable, match="connecting timed out"):
        m.complete(ASK)
    assert len(calls) == 2


def test_a_hung_server_costs_one_time_out() -> None:
    with (
        serve([Reply(hang=True)]) as (url, script),
        pytest.raises(EndpointUnavailable, match=r"timed out after 0\.3s"),
    ):
        model(url, timeout=0.3, max_retries=3).complete(ASK)
    assert len(script.requests) == 1


def test_401_is_authentication_failed_without_retry() -> None:
    refused = Reply(401, {"error": {"message": "Incorrect API key"}})
    with serve([refused] * 3) as (url, script), pytest.raises(AuthenticationFailed) as err:
        model(url, api_key="sk-wrong").complete(ASK)
    assert len(script.requests) == 1
    assert "AOI_LLM_API_KEY" in str(err.value)
    assert "sk-wrong" not in str(err.value)


def test_400_context_length_is_context_too_long_without_retry() -> None:
    vllm = (
        "This model's maximum context length is 4096 tokens. However, you requested "
        "5000 tokens (4900 in the messages, 100 in the completion)."
    )
    too_long = Reply(400, {"object": "error", "message": vllm})
    with serve([too_long] * 2) as (url, script), pytest.raises(ContextTooLong, match="context"):
        model(url).complete(ASK)
    assert len(script.requests) == 1


def test_other_4xx_are_rejected_without_retry() -> None:
    with (
        serve([Reply(404, {"error": {"message": "model 'tiny' not found"}})] * 2) as (
            url,
            script,
        ),
        pytest.raises(RequestRejected, match="check the base URL and the model name"),
    ):
        model(url).complete(ASK)
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    "body",
    ["<html>bad gateway</html>", {"object": "chat.completion"}, {"choices": [{"index": 0}]}],
)
def test_a_200_that_is_not_a_completion_is_bad_response(body: object) -> None:
    with serve([Reply(200, body)]) as (url, _), pytest.raises(BadResponse):
        model(url).complete(ASK)


def test_missing_usage_is_estimated() -> None:
    reply = Reply(200, {"choices": [{"message": {"content": "geo is down"}}]})
    with serve([reply]) as (url, _):
        out = model(url).complete(ASK)
    assert out[0].text == "geo is down"
    assert out[0].usage.estimated
    assert out[0].usage.prompt_tokens > 0 and out[0].usage.completion_tokens > 0


def test_async_complete_retries_and_samples() -> None:
    replies = [Reply(502, "bad gateway"), chat("x", "y", prompt_tokens=7, completion_tokens=4)]
    with serve(replies) as (url, script):
        out = asyncio.run(model(url).acomplete(ASK, n=2))
    assert [c.text for c in out] == ["x", "y"]
    assert total_usage(out).total_tokens == 11
    assert len(script.requests) == 2


def test_async_dead_endpoint() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(EndpointUnavailable, match="after 2 attempt"):
        asyncio.run(model(url, max_retries=1).acomplete(ASK))


def test_base_url_forms_are_normalised() -> None:
    for base in ("http://h:1/v1", "http://h:1/v1/", "http://h:1/v1/chat/completions"):
        assert OpenAICompatible(base, "m").url == "http://h:1/v1/chat/completions"


def test_bad_arguments_are_value_errors() -> None:
    m = OpenAICompatible("http://h:1/v1", "m")
    with pytest.raises(ValueError):
        m.complete(ASK, n=0)
    with pytest.raises(ValueError):
        m.complete([])
    with pytest.raises(ValueError):
        m.complete(ASK, temperature=-1)


def test_backoff_grows_is_capped_and_honours_retry_after() -> None:
    b = Backoff(initial=0.5, factor=2, max_delay=3, jitter=0)
    assert [b.delay(i) for i in range(4)] == [0.5, 1.0, 2.0, 3.0]
    assert b.delay(0, retry_after=2.5) == 2.5
    assert b.delay(0, retry_after=100) == 3
    jittery = Backoff(initial=1, jitter=0.25)
    assert all(0.75 <= jittery.delay(0) <= 1.25 for _ in range(50))


@pytest.mark.parametrize("base", ["localhost:8000/v1", "ftp://h/v1", "http://", ""])
def test_base_urls_that_cannot_work_are_refused_at_once(base: str) -> None:
    with pytest.raises(ValueError):
        OpenAICompatible(base, "m")


def test_any_python_text_can_be_sent() -> None:
    with serve([chat("ok")]) as (url, script):
        model(url).complete([Message.user("odd \ud800 text ünïcode")])
    assert script.requests[0]["messages"][0]["content"] == "odd \ud800 text ünïcode"


def test_a_password_in_the_base_url_is_sent_but_never_shown() -> None:
    port = closed_port()
    m = model(f"http://user:hunter2pass@127.0.0.1:{port}/v1", max_retries=0)
    assert "hunter2pass" not in repr(m) + m.name + m.url + m.base_url
    with pytest.raises(EndpointUnavailable) as err:
        m.complete(ASK)
    assert "hunter2pass" not in str(err.value) and "user:****@" in str(err.value)
