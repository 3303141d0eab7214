"""The twin's simulated clock: every age, restart count and timestamp derives from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A fixed origin keeps runs reproducible: the same seed gives the same output on any day.
EPOCH = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)


class SimClock:
    """A clock that moves only when told to."""

    __slots__ = ("_now",)

    def __init__(self, start: datetime = EPOCH) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward; negative steps are refused."""
        if seconds < 0:
            raise ValueError("the simulated clock cannot go backwards")
        self._now += timedelta(seconds=seconds)
        return self._now


def rfc3339(moment: datetime) -> str:
    """Kubernetes' timestamp form: seconds precision, UTC, trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def human_duration(delta: timedelta) -> str:
    """kubectl's AGE column (apimachinery's HumanDuration)."""
    seconds = int(delta.total_seconds())
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24 - 365 * (hours // 24 // 365)
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def age(created: str, now: datetime) -> str:
    """AGE of an object from its creationTimestamp."""
    return human_duration(now - parse_rfc3339(created))
