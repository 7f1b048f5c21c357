"""Tap-to-call links: the number a link dials is the number the leaflet prints (RFC 3966 `tel:` URIs)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.content.phone import PhoneError, tel_href
from tests.trees import english_tree, replace_in


@pytest.mark.parametrize("printed, href", [
    ("+44 20 7946 0000", "tel:+442079460000"),
    ("1-800-FLOWERS ext 5", "tel:18003569377;ext=5"),      # every keypad letter, and the extension kept
    ("1-800-flowers x5", "tel:18003569377;ext=5"),
    ("+1 (555) 010-0199 #12", "tel:+15550100199;ext=12"),
    ("+1-800-356-9377;ext=5", "tel:+18003569377;ext=5"),
    ("0800 TAXI", "tel:08008294"),                        # a vanity word with an x inside is not an extension
    ("999", "tel:999"),
])
def test_printed_numbers_dial_what_they_say(printed, href):
    assert tel_href(printed) == href


@pytest.mark.parametrize("printed, reason", [
    ("call the front desk", "letters before the number"),
    ("Phone: 020 7946 0000", "letters before the number"),
    ("12", "too few digits"),
    ("1234567890123456789", "at most 15"),
    ("+44 20 7946 0000 (reception)", "at most 15"),
    ("020 7946 0000, 020 7946 0001", "','"),
])
def test_numbers_that_dial_nothing_sensible_are_refused(printed, reason):
    with pytest.raises(PhoneError, match=reason.replace("(", r"\(")):
        tel_href(printed)


def _uris(pdf) -> set[str]:
    reader = PdfReader(pdf)
    return {str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]}


def test_vanity_number_in_clinic_profile_and_content_link(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("standard",))
    replace_in(content / "back-mouse/en/standard.md", "Anyone can get a back mouse.",
               "Anyone can get a back mouse. [Call the helpline](tel:0800-HELP-NOW).")
    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: Flowers Physio\nphone: "1-800-FLOWERS ext 5"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts), "--out",
                                       str(out), "-j", "1", "--paper", "a4", "--clinic", str(profile)])
    assert result.exit_code == 0, result.output
    uris = _uris(out / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf")
    assert "tel:18003569377;ext=5" in uris
    assert "tel:08004357669" in uris
    assert not any(uri.startswith("tel:") and uri not in {"tel:18003569377;ext=5", "tel:08004357669"}
                   for uri in uris), uris


def test_phone_numbers_never_split_across_lines():
    """Issue #13: on a narrow branded tri-fold cover "+44 20 7946" ended one line and "0000" began the next.
    Spaces inside a phone number become no-break spaces in the paragraph markup; other spaces stay."""
    from handouts.text.markup import keep_phone_numbers_whole

    assert keep_phone_numbers_whole("Call +44 20 7946 0000 or 0800 123 4567 today") == \
        "Call +44\u00a020\u00a07946\u00a00000 or 0800\u00a0123\u00a04567 today"
    assert keep_phone_numbers_whole("15 to 20 minutes, 3 times a day (NG59, 2016)") == \
        "15 to 20 minutes, 3 times a day (NG59, 2016)"
