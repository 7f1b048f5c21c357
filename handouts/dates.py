"""Dates written into files: SOURCE_DATE_EPOCH when a build is reproduced, otherwise the topic's publication date,
never the clock. One place reads the variable, so a bad value is one clear line wherever it is first needed."""

from __future__ import annotations

import datetime as _dt
import os

from handouts.errors import HandoutsError

MAX_SOURCE_DATE_EPOCH = 253_402_300_799   # 9999-12-31T23:59:59Z: the last moment a PDF date (four-digit year) can say


def source_date_epoch() -> _dt.datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): whole seconds since 1970-01-01 UTC, or None when unset.
    Anything else is refused in one line rather than guessed at: a wrong date in a reproducible build is worse
    than no build."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) > MAX_SOURCE_DATE_EPOCH:
        raise HandoutsError(f"SOURCE_DATE_EPOCH is {text[:40]!r}",
                            hint="it must be whole seconds since 1970-01-01 UTC, an integer from 0 to "
                                 f"{MAX_SOURCE_DATE_EPOCH} (e.g. $(git log -1 --format=%ct)), or unset")
    return _dt.datetime.fromtimestamp(int(text), tz=_dt.timezone.utc)


def build_timestamp(published: _dt.date) -> _dt.datetime:
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    return _dt.datetime(published.year, published.month, published.day, tzinfo=_dt.timezone.utc)
