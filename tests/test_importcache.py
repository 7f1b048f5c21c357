"""What importing the render pipeline compiles, kept on disk (handouts/importcache.py): what a later process gets
back is what Python itself compiles (patterns, dataclass methods), a process that finds the entry compiles none of
it again, a damaged entry only means compiling as usual, and only a process that imported none of it stores it."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

from handouts import importcache

# A fresh process: import the build's modules as `handouts build` does and print how many regex patterns were
# parsed (the first step of compiling) for reportlab's modules, whether its slow URI pattern was among them, how
# many dataclass methods were compiled from source, and whether the modules work as they should.
PROBE = """
import builtins, dataclasses, sys
from re import _parser
patterns, methods = [], []
parse, compile_source = _parser.parse, builtins.compile

def counting_parse(pattern, flags=0, state=None):
    frame = sys._getframe(1)
    while frame is not None and "/reportlab/" not in frame.f_code.co_filename:
        frame = frame.f_back
    if frame is not None:   # compiled for a reportlab module
        patterns.append(pattern)
    return parse(pattern, flags, state)

def counting_compile(source, *args, **kwargs):
    if isinstance(source, str) and source.startswith("def __create_fn__"):
        methods.append(source)
    return compile_source(source, *args, **kwargs)

_parser.parse, builtins.compile = counting_parse, counting_compile
from handouts.cli import _import_pipeline
_import_pipeline()
_parser.parse, builtins.compile = parse, compile_source
from reportlab.platypus import paragraph
from handouts.content.model import Span
span = Span("text", bold=True)
works = paragraph.uri_pat.match("https://nhs.uk/a") is not None and span == Span("text", bold=True) \\
    and hash(span) == hash(Span("text", bold=True)) and repr(span).startswith("Span(text='text'") \\
    and not hasattr(dataclasses, "exec")
print(len(patterns), paragraph.uri_pat.pattern in patterns, len(methods), works)
"""


def run_probe(cache: Path) -> list[str]:
    # rl_safe_eval joins a set of names into a pattern: the same one in every process only with one hash seed
    env = {**os.environ, "HANDOUTS_CACHE_DIR": str(cache), "PYTHONHASHSEED": "0"}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_a_second_process_compiles_nothing_the_first_recorded(tmp_path):
    cache = tmp_path / "cache"
    patterns, slow, methods, works = run_probe(cache)
    assert int(patterns) > 20 and slow == "True" and int(methods) > 200 and works == "True"
    (entry,) = (cache / "imports").glob("*.pickle")
    assert run_probe(cache) == ["0", "False", "0", "True"]
    entry.write_bytes(entry.read_bytes()[:-10])   # damaged: compiled again, and recorded again
    assert run_probe(cache)[1:] == ["True", methods, "True"]
    assert run_probe(cache) == ["0", "False", "0", "True"]


def test_a_recorded_pattern_is_the_pattern_python_compiles(monkeypatch):
    """Patterns compare equal when their source, flags and compiled code are the same."""
    monkeypatch.setattr(re, "_cache", {})
    sources = [(r"(?P<word>[a-z\xa1-\uffff]+)-(\d{2,5})?", re.I), (rb"^\s*(?:%%|#)", 0), (r"[\u2e80-\uffff]", 0)]
    with importcache._window(importcache.Recorded()) as recorded:
        made = [re.compile(source, flags) for source, flags in sources]
    assert [pattern for pattern, _, _ in recorded.patterns] == [source for source, _ in sources]
    re._cache.clear()
    with importcache._window(recorded) as again_recorded:
        for (source, flags), original in zip(sources, made):
            again = re.compile(source, flags)
            assert again is re._cache[type(source), source, flags] and again == original
            assert again.groupindex == original.groupindex and again.groups == original.groups
    assert again_recorded.patterns == []
    assert re.compile(sources[0][0], re.I).match("Ünïcode-443").group("word") == "Ünïcode"


def _define():
    @dataclasses.dataclass(frozen=True)
    class Dose:
        exercise: str
        sets: int = 3
        notes: tuple[str, ...] = ()

    return Dose


def test_a_dataclass_gets_the_methods_python_compiles():
    plain = _define()
    with importcache._window(importcache.Recorded()) as recorded:
        first = _define()
    assert len(recorded.code) == 6 and not hasattr(dataclasses, "exec")   # init, repr, eq, hash, setattr, delattr
    with importcache._window(recorded) as again:
        second = _define()
    assert again.code == {}
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        assert getattr(second, name).__code__ == getattr(plain, name).__code__ == getattr(first, name).__code__
        assert getattr(second, name).__annotations__ == getattr(plain, name).__annotations__
    dose = second("bridge", notes=("slowly",))
    assert dose == second("bridge", 3, ("slowly",)) and hash(dose) == hash(plain("bridge", 3, ("slowly",)))
    assert repr(dose).endswith("Dose(exercise='bridge', sets=3, notes=('slowly',))")
    try:
        dose.sets = 4
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a frozen dataclass accepted an assignment")


def test_a_process_that_had_imported_part_of_it_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delitem(sys.modules, "handouts.pdf.exercises", raising=False)   # one module still to import
    importcache.import_cached("handouts.pdf.exercises", packages=("reportlab", "handouts.pdf"),
                              libraries=("reportlab",))
    assert "handouts.pdf.exercises" in sys.modules and not (tmp_path / "cache" / "imports").exists()


def test_installing_never_grows_res_cache_past_its_size(monkeypatch):
    monkeypatch.setattr(re, "_cache", {})
    with importcache._window(importcache.Recorded()) as recorded:
        for index in range(5):
            re.compile(f"pattern{index}")
    monkeypatch.setattr(re, "_MAXCACHE", 3)
    re._cache.clear()
    re._cache[(str, "already", 0)] = re.compile("already")
    importcache._install(recorded.patterns)
    assert len(re._cache) == 3


LAZY = """
import sys
from handouts.importcache import import_lazily
import_lazily("PIL.Image", "uharfbuzz", "no_such_module_here")
import uharfbuzz
from PIL import Image
print("__getattr__" in vars(uharfbuzz), "__getattr__" in vars(Image), "no_such_module_here" in sys.modules)
blob = uharfbuzz.Blob(b"")   # the first name read runs the module
picture = Image.new("RGB", (2, 1), "red")
print("__getattr__" in vars(uharfbuzz), Image is sys.modules["PIL.Image"], picture.getpixel((1, 0)))
"""


def test_a_lazy_module_runs_when_first_used():
    result = subprocess.run([sys.executable, "-c", LAZY], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["True True False", "False True (255, 0, 0)"]


def test_a_shaped_language_draws_the_same_through_a_cold_build(tmp_path):
    """Hindi needs HarfBuzz, which a cold build imports only when a run is shaped: the same bytes as in a process
    that imported it at once."""
    from click.testing import CliRunner

    from handouts.cli import main
    from tests.conftest import CONTENT, LAYOUTS

    args = ["build", "--content", str(CONTENT), "--layouts", str(LAYOUTS), "--topic", "back-mouse", "--lang", "hi",
            "--level", "easy", "--paper", "a4", "-q"]
    cold = subprocess.run([sys.executable, "-m", "handouts", *args, "--out", str(tmp_path / "cold")],
                          capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    warm = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "warm")])
    assert warm.exit_code == 0, warm.output
    relpath = "back-mouse/hi/back-mouse_hi_easy_leaflet_a4.pdf"
    assert (tmp_path / "cold" / relpath).read_bytes() == (tmp_path / "warm" / relpath).read_bytes()


def test_the_collector_is_paused_while_importing_and_left_as_it_was():
    import gc

    assert gc.isenabled()
    with importcache.collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with importcache.collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()   # a caller that had turned it off keeps it off
    finally:
        gc.enable()


FROZEN = """
import gc, sys
from handouts.cli import _import_pipeline, main
assert gc.isenabled()
_import_pipeline()
frozen = gc.get_freeze_count()
_import_pipeline()   # imported already: nothing frozen again (a later build's garbage stays collectable)
print(gc.isenabled(), frozen, gc.get_freeze_count() == frozen)
"""


def test_a_process_collects_garbage_after_importing_the_pipeline_and_freezes_what_the_imports_made_once():
    """`python -m handouts` and the pipeline import with the collector paused; afterwards it runs again, and the
    modules' objects are frozen (out of its reach) by the call that imported them, only by that one."""
    result = subprocess.run([sys.executable, "-c", FROZEN], capture_output=True, text=True, check=True)
    enabled, frozen, once = result.stdout.split()
    assert enabled == "True" and int(frozen) > 10_000 and once == "True"
    run = subprocess.run([sys.executable, "-m", "handouts", "--version"], capture_output=True, text=True, check=True)
    assert "handouts" in run.stdout


CLI_PROBE = """
import sys
from handouts import cli

def probe():
    early = sorted(m for m in sys.modules for p in cli._PIPELINE_PACKAGES if m == p or m.startswith(p + "."))
    print("early:", *early)
    raise SystemExit(0)

cli._import_pipeline = probe
cli.main(sys.argv[1:])
"""


def test_the_cli_loads_none_of_the_pipeline_before_its_import_window(tmp_path):
    """A module of the window's packages loaded earlier (handouts.build by the CLI's signal handling, once) makes
    the process record nothing, and every cold build compiled reportlab's patterns again: 110 ms of 320."""
    result = subprocess.run([sys.executable, "-c", CLI_PROBE, "build", "--out", str(tmp_path / "out"), "--lang", "en",
                             "--level", "easy", "--paper", "a4", "-q"], capture_output=True, text=True,
                            env={**os.environ, "HANDOUTS_CACHE_DIR": str(tmp_path / "cache")})
    assert result.stdout.split() == ["early:"], result.stdout + result.stderr
