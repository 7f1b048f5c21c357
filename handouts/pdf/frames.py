"""reportlab's Frame, cheap to copy.

platypus measures a kept-together group, a list item or a tagged group (`_listWrapOn`) on a deep copy of the
frame it is being placed in, so that what the measuring adds to the frame is thrown away with the copy: a few
hundred copies per leaflet pass, each going through `copy.deepcopy`'s general machinery for two dozen numbers.
This frame copies itself the way deepcopy would (a new object of its class, every attribute deep-copied) but
takes numbers, strings and None as they are, since copying them gives them back unchanged.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from reportlab.platypus import Frame as _RLFrame

_IMMUTABLE = (int, float, str, bool, type(None))


class Frame(_RLFrame):
    """reportlab's Frame with a `__deepcopy__` that gives what deepcopy gives, faster (module docstring)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> "Frame":
        copied = self.__class__.__new__(self.__class__)
        memo[id(self)] = copied
        copied.__dict__.update({name: value if type(value) in _IMMUTABLE else deepcopy(value, memo)
                                for name, value in self.__dict__.items()})
        return copied
