"""The patterns reportlab compiles at import, kept compiled on disk (handouts/regexcache.py): what a later process
puts back is what Python itself compiles, a process that finds them compiles none of them again, and a damaged or
foreign entry only means compiling as usual."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from handouts import regexcache

MODULE = "reportlab.platypus.paragraph"

# A fresh process: import reportlab.platypus through the cache and print how many patterns Python had to parse
# (the first step of compiling) for its modules, and whether the URI pattern (the slow one) was among them.
PROBE = """
import sys
from re import _parser
compiled = []
original = _parser.parse

def parse(pattern, flags=0, state=None):
    frame = sys._getframe(1)
    while frame is not None and "/reportlab/" not in frame.f_code.co_filename:
        frame = frame.f_back
    if frame is not None:   # compiled for a reportlab module
        compiled.append(pattern)
    return original(pattern, flags, state)

_parser.parse = parse
from handouts.regexcache import import_precompiled
import_precompiled("reportlab.platypus", libraries=("reportlab",))
_parser.parse = original
from reportlab.platypus import paragraph
print(len(compiled), paragraph.uri_pat.pattern in compiled, paragraph.uri_pat.match("https://nhs.uk/a") is not None)
"""


def run_probe(cache: Path) -> list[str]:
    # rl_safe_eval joins a set of names into a pattern: the same one in every process only with one hash seed
    env = {**os.environ, "HANDOUTS_CACHE_DIR": str(cache), "PYTHONHASHSEED": "0"}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_a_second_process_compiles_none_of_reportlabs_patterns(tmp_path):
    cache = tmp_path / "cache"
    first = run_probe(cache)
    assert int(first[0]) > 20 and first[1:] == ["True", "True"]   # recorded while compiled as usual
    (entry,) = (cache / "regex").glob("*.pickle")
    assert run_probe(cache) == ["0", "False", "True"]
    entry.write_bytes(entry.read_bytes()[:-10])   # damaged: compiled again, and recorded again
    assert run_probe(cache)[1:] == ["True", "True"]
    assert run_probe(cache) == ["0", "False", "True"]


def test_a_recorded_pattern_is_the_pattern_python_compiles(monkeypatch):
    """Patterns compare equal when their source, flags and compiled code are the same."""
    monkeypatch.setattr(re, "_cache", {})
    sources = [(r"(?P<word>[a-z\xa1-\uffff]+)-(\d{2,5})?", re.I), (rb"^\s*(?:%%|#)", 0), (r"[\u2e80-\uffff]", 0)]
    with regexcache._recording() as recorded:
        made = [re.compile(source, flags) for source, flags in sources]
    assert [pattern for pattern, _, _ in recorded] == [source for source, _ in sources]
    re._cache.clear()
    regexcache._install(recorded)
    for (source, flags), original in zip(sources, made):
        again = re.compile(source, flags)
        assert again is re._cache[type(source), source, flags] and again == original
        assert again.groupindex == original.groupindex and again.groups == original.groups
    assert re.compile(sources[0][0], re.I).match("Ünïcode-443").group("word") == "Ünïcode"


def test_installing_never_grows_res_cache_past_its_size(monkeypatch):
    monkeypatch.setattr(re, "_cache", {})
    with regexcache._recording() as recorded:
        for index in range(5):
            re.compile(f"pattern{index}")
    monkeypatch.setattr(re, "_MAXCACHE", 3)
    re._cache.clear()
    re._cache[(str, "already", 0)] = re.compile("already")
    regexcache._install(recorded)
    assert len(re._cache) == 3
