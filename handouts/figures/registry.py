"""Which function draws which figure, found by looking: every function of this package marked with `@figure`
(spec.py). One table, so the pipeline, the gallery and the tests all agree on the ids, and adding a figure needs
no edit here.
"""
from __future__ import annotations

import importlib
import pkgutil

from .spec import PAIN_KEYS, PICTO, FigureSpec

__all__ = ["REGISTRY", "EXERCISE_REGISTRY", "FigureSpec", "PICTO", "PAIN_KEYS"]

# Modules that hold the toolkit rather than figures.
_TOOLKIT = {"gallery", "palette", "people", "prims", "registry", "spec", "style", "text"}


def _collect() -> dict[str, FigureSpec]:
    found: dict[str, FigureSpec] = {}
    package = __name__.rpartition(".")[0]
    for info in sorted(pkgutil.iter_modules(importlib.import_module(package).__path__), key=lambda m: m.name):
        if info.name in _TOOLKIT:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for value in vars(module).values():
            spec = getattr(value, "figure_spec", None)
            if isinstance(spec, FigureSpec) and getattr(value, "__module__", "") == module.__name__:
                if spec.id in found:
                    raise RuntimeError(f"figure id {spec.id!r} is declared twice")   # a programming error
                found[spec.id] = spec
    return found


_ALL = _collect()
REGISTRY: dict[str, FigureSpec] = {k: v for k, v in _ALL.items() if v.library == "topic"}
# The exercise library's pictures (content/exercises/<id>/exercise.yaml names one per step). Kept apart from the
# topic figures: their words come from each exercise's own <lang>.yaml, and leaflet prose cannot refer to them.
EXERCISE_REGISTRY: dict[str, FigureSpec] = {k: v for k, v in _ALL.items() if v.library == "exercise"}
