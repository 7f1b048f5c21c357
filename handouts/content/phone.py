"""Printed phone numbers → tap-to-call links (RFC 3966 `tel:` URIs).

The one place that turns a number as a clinic writes it ('+44 20 7946 0000', '1-800-FLOWERS ext 5') into a
link, for the clinic profile and for `[call us](tel:…)` links in content alike. A number it cannot read is
refused with the reason rather than turned into a link that dials something else.
"""

from __future__ import annotations

import re

# ITU E.161 keypad letters: vanity numbers such as 1-800-FLOWERS dial these digits.
_KEYPAD = {letter: digit for digit, letters in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO",
                                                "7": "PQRS", "8": "TUV", "9": "WXYZ"}.items()
           for letter in letters}
_SEPARATORS = frozenset(" -.()/\u00a0")   # visual separators people print; RFC 3966 allows - . ( ) only
MIN_DIGITS = 3    # short numbers such as 111 or 999 are real numbers
MAX_DIGITS = 15   # E.164: no phone number is longer
_EXTENSION = re.compile(r"^(?P<number>.*?)(?:\s*(?:;\s*ext=|ext\.?|extension|#)\s*|(?:\s+|(?<=\d))x\.?\s*)"
                        r"(?P<ext>\d{1,8})\s*$", re.IGNORECASE)


class PhoneError(ValueError):
    """A phone number that yields no number to dial; the message says why."""


def tel_href(phone: str) -> str:
    """'+44 20 7946 0000' -> 'tel:+442079460000'; '1-800-FLOWERS ext 5' -> 'tel:18003569377;ext=5'.

    Letters after the first digit are keypad letters (all of them, so the link dials what the print says);
    an extension ('ext 5', 'x5', '#5') becomes the `;ext=` parameter. Raises PhoneError otherwise."""
    text = phone.strip()
    match = _EXTENSION.match(text)
    number, extension = (match["number"], match["ext"]) if match else (text, "")
    plus = number.lstrip().startswith("+")
    digits: list[str] = []
    for char in number.lstrip().removeprefix("+"):
        if char in "0123456789":
            digits.append(char)
        elif char in _SEPARATORS:
            continue
        elif char.isascii() and char.isalpha():
            if not digits:
                raise PhoneError(f"{phone!r} has letters before the number")
            digits.append(_KEYPAD[char.upper()])
        else:
            raise PhoneError(f"{phone!r} has {char!r}, which is not part of a phone number")
    if len(digits) < MIN_DIGITS:
        raise PhoneError(f"{phone!r} has too few digits to dial")
    if len(digits) > MAX_DIGITS:
        raise PhoneError(f"{phone!r} makes {len(digits)} digits (letters count as keypad digits); "
                         f"a phone number has at most {MAX_DIGITS}")
    return "tel:" + ("+" if plus else "") + "".join(digits) + (f";ext={extension}" if extension else "")
