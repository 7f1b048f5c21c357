"""'Did you mean' suggestions for names a user mistyped."""

from __future__ import annotations

from typing import Iterable


def closest(name: str, choices: Iterable[str]) -> str:
    import difflib   # only when a name is wrong: not on every start

    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""
