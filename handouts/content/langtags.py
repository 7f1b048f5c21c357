"""Language tags of runs in another language (content markup `[MRI]{lang=en}`): which codes are real languages,
and which way each is written.

A tag is a BCP 47 code as PDF `/Lang` and HTML `lang` take it (`en`, `en-GB`, `la`, `zh-Hans`). Whether it names
a language is asked of CLDR through Babel (already the source of the leaflets' dates), so a typo such as `eng` or
`xx` is refused where it is written instead of telling a screen reader to read English with a voice it does not
have.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SHAPE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


class UnknownLanguage(ValueError):
    """The tag names no language CLDR knows; the message says what was written and the closest known tag."""


@lru_cache(maxsize=1)
def _known() -> tuple[str, ...]:
    from babel import localedata

    return tuple(sorted(code.replace("_", "-") for code in localedata.locale_identifiers()))


@lru_cache(maxsize=256)
def language_tag(code: str) -> str:
    """`code` if it is a language tag CLDR knows, else UnknownLanguage (with a "did you mean")."""
    from babel import Locale, UnknownLocaleError

    from handouts.suggest import closest

    if _SHAPE.fullmatch(code):
        try:
            locale = Locale.parse(code, sep="-")
        except (UnknownLocaleError, ValueError):
            locale = None
        # Babel maps aliases ("eng", "iw") to the code BCP 47 prefers; ask for that one
        if locale is not None and locale.language == code.split("-")[0].lower():
            return code
        if locale is not None:
            raise UnknownLanguage(f"language {code!r} is written {locale.language!r} in BCP 47")
    raise UnknownLanguage(f"unknown language {code!r}{closest(code, _known())}")


@lru_cache(maxsize=256)
def direction(code: str) -> str:
    """'rtl' or 'ltr': how the language of a valid tag is written."""
    from babel import Locale

    return "rtl" if Locale.parse(code, sep="-").text_direction == "rtl" else "ltr"
