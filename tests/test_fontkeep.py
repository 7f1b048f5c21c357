"""A parsed TrueType face is kept in the disk cache (handouts/text/fontkeep.py): a later process registers the font
without parsing the file, the restored font is the parsed one (the same attributes, the same subset bytes, the same
PDF), and a font file with other bytes is parsed again."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import ttfonts

from handouts.text import fontkeep, fonts
from tests import test_diskcache
from tests.trees import two_cold_builds

SHIPPED = Path(__file__).resolve().parents[1] / "handouts" / "fonts"
CHINESE = SHIPPED / "DroidSansFallbackFull.ttf"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files reportlab parses (TTFontFile.extractInfo), in order."""
    seen: list[str] = []
    parse = ttfonts.TTFontFile.extractInfo

    def counted(self, *args, **kwargs):
        seen.append(self.filename)
        return parse(self, *args, **kwargs)

    monkeypatch.setattr(ttfonts.TTFontFile, "extractInfo", counted)
    return seen


def atkinson(style: str = "Regular") -> Path:
    import fontpkg_atkinson_hyperlegible

    return Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files" / f"AtkinsonHyperlegible-{style}.ttf"


def test_a_restored_font_is_the_parsed_one(tmp_path):
    """Every attribute reportlab set while parsing is there, the scale gives the same numbers, and a subset of
    the face (what the PDF embeds) is the same bytes."""
    for path in (str(atkinson()), str(CHINESE)):
        parsed = ttfonts.TTFont("Kept", path)
        restored = fontkeep.restored(fontkeep.kept_of(parsed), path)
        assert type(restored) is type(parsed) and type(restored.face) is type(parsed.face)
        assert set(restored.__dict__) == set(parsed.__dict__)
        assert restored.fontName == parsed.fontName and restored.shapable == parsed.shapable
        skipped = ("_pdfScale",)
        assert {k: v for k, v in restored.face.__dict__.items() if k not in skipped} == \
               {k: v for k, v in parsed.face.__dict__.items() if k not in skipped}
        assert restored.face.name.ustr == parsed.face.name.ustr
        assert [restored.pdfScale(v) for v in (1, 7, 1000, 2048)] == [parsed.pdfScale(v) for v in (1, 7, 1000, 2048)]
        subset = [0, *sorted(parsed.face.charToGlyph)[:40]]
        assert restored.face.makeSubset(subset) == parsed.face.makeSubset(subset)
        assert restored.stringWidth("Kept fonts 中文", 10) == parsed.stringWidth("Kept fonts 中文", 10)


def test_a_face_is_parsed_once_and_again_when_the_file_has_other_bytes(tmp_path, cache, parses):
    face = tmp_path / "face.ttf"
    face.write_bytes(atkinson().read_bytes())
    first = fontkeep.tt_font("Kept", str(face), fonts._font_key(face))
    assert parses == [str(face)] and test_diskcache.entries(cache, "font-face")
    second = fontkeep.tt_font("Kept", str(face), fonts._font_key(face))
    assert parses == [str(face)] and second is not first and second.face.charWidths == first.face.charWidths
    face.write_bytes(atkinson("Bold").read_bytes())   # a new change time: a new identity, so its hash is made again
    other = fontkeep.tt_font("Kept", str(face), fonts._font_key(face))
    assert parses == [str(face), str(face)] and other.face.name != first.face.name
    test_diskcache.repaired_after_damage(
        cache, "font-face", lambda: fontkeep.tt_font("Kept", str(face), fonts._font_key(face)).face.charWidths)


def test_a_reportlab_setting_that_parsing_reads_gives_another_entry(tmp_path, cache, parses, monkeypatch):
    from reportlab import rl_config

    face = str(atkinson())
    fontkeep.tt_font("Kept", face, fonts._font_key(Path(face)))
    fontkeep.tt_font("Kept", face, fonts._font_key(Path(face)))
    assert len(parses) == 1
    monkeypatch.setattr(rl_config, "ttfAsciiReadable", 0)
    font = fontkeep.tt_font("Kept", face, fonts._font_key(Path(face)))
    assert len(parses) == 2 and font._asciiReadable == 0


COUNTED = """
import sys
from reportlab.pdfbase import ttfonts
parse = ttfonts.TTFontFile.extractInfo
seen = []
def counted(self, *args, **kwargs):
    seen.append(self.filename)
    return parse(self, *args, **kwargs)
ttfonts.TTFontFile.extractInfo = counted
from handouts.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(len(seen))
"""


def test_a_second_process_registers_its_fonts_without_parsing_them_and_writes_the_same_bytes(tmp_path):
    parsed = [int(printed.split()[-1]) for printed in two_cold_builds(tmp_path, COUNTED)]
    assert parsed[0] > 0 and parsed[1] == 0
