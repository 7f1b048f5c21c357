"""Shared fixtures: real builds of the project's own content, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.build.matrix import BuildOptions, build
from handouts.paths import default_content_dir, default_layouts_dir

ROOT = Path(__file__).resolve().parent.parent
CONTENT = default_content_dir()
LAYOUTS = default_layouts_dir()


def build_into(out: Path, **kwargs) -> dict:
    options = BuildOptions(content_dir=kwargs.pop("content_dir", CONTENT),
                           layouts_dir=kwargs.pop("layouts_dir", LAYOUTS), out_dir=out, **kwargs)
    report = build(options)
    assert report.ok, report.failed
    import pikepdf

    from handouts.check.pdfua import check_pdf
    from tests.pdfread import qpdf_problems

    from handouts.check.pages import check_files

    layouts = options.layouts_dir
    pdfs = []
    for entry in report.built:  # every PDF the suite builds must pass qpdf's structural check and PDF/UA-1's
        path = out / entry["path"]
        if path.suffix != ".pdf":
            continue
        assert qpdf_problems(path) == [], entry["path"]
        with pikepdf.open(path) as pdf:
            assert [finding.line(path) for finding in check_pdf(pdf)] == [], entry["path"]
        pdfs.append(path)
    # ... and the page-quality check (handouts check --pages): what a clinic would otherwise fix by hand
    assert [problem.line() for problem in check_files(pdfs, layouts)] == []
    return {entry["path"]: entry for entry in report.built}


@pytest.fixture(scope="session")
def english(tmp_path_factory) -> Path:
    """All English levels of the back-mouse leaflet on both papers."""
    out = tmp_path_factory.mktemp("english")
    build_into(out, topics=("back-mouse",), langs=("en",))
    return out


@pytest.fixture(scope="session")
def standard_a4(english) -> Path:
    return english / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"


def pytest_sessionfinish(session, exitstatus):
    """Every PDF the suite produced, whichever test made it, must pass qpdf's structural check. Inputs that
    tests corrupt on purpose are left out: files named broken*.pdf, and files that are not PDFs at all."""
    import pikepdf

    from tests.pdfread import qpdf_problems

    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or exitstatus not in (0,):
        return
    base = factory.getbasetemp()
    checked, failures = 0, []
    for pdf in sorted(base.rglob("*.pdf")):
        if pdf.name.startswith("broken") or pdf.read_bytes()[:5] != b"%PDF-":
            continue
        try:
            problems = qpdf_problems(pdf)
        except pikepdf.PasswordError:
            continue  # the encrypted copy: its own test opens it with the password
        except pikepdf.PdfError as exc:
            problems = [str(exc)]
        checked += 1
        if problems:
            failures.append(f"{pdf}: {problems[:3]}")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if failures:
        session.exitstatus = 1
        if reporter:
            reporter.write_line("PDFs that fail qpdf's check:\n" + "\n".join(failures), red=True)
    elif reporter:
        reporter.write_line(f"qpdf check: all {checked} PDFs the suite built are sound")
