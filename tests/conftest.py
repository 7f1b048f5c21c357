"""Shared fixtures: real builds of the project's own content, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.build import BuildOptions, build
from handouts.paths import default_content_dir, default_layouts_dir

ROOT = Path(__file__).resolve().parent.parent
CONTENT = default_content_dir()
LAYOUTS = default_layouts_dir()


def build_into(out: Path, **kwargs) -> dict:
    options = BuildOptions(content_dir=kwargs.pop("content_dir", CONTENT),
                           layouts_dir=kwargs.pop("layouts_dir", LAYOUTS), out_dir=out, **kwargs)
    report = build(options)
    assert report.ok, report.failed
    from tests.pdfread import qpdf_problems

    for entry in report.built:  # every PDF the suite builds must pass qpdf's structural check
        assert qpdf_problems(out / entry["path"]) == [], entry["path"]
    return {entry["path"]: entry for entry in report.built}


@pytest.fixture(scope="session")
def english(tmp_path_factory) -> Path:
    """All English levels on both papers."""
    out = tmp_path_factory.mktemp("english")
    build_into(out, langs=("en",))
    return out


@pytest.fixture(scope="session")
def standard_a4(english) -> Path:
    return english / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
