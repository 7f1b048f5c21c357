"""'Did you mean' suggestions for names a user mistyped."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(name: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""
