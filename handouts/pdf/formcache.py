"""A figure's form content drawn once per process and replayed into every document that shows it.

renderPDF walks a figure's shape tree, tracks its graphics state and formats every operator each time a document
draws the figure: about a sixth of a warm render. Inside a form XObject (canvas.beginForm resets the graphics
state) almost all of that output depends on the drawing alone, so the operators are recorded the first time and
appended as they are afterwards. What depends on the document is not recorded as text but replayed as the canvas
call that made it, in the same order, so the document's own state comes out as if the figure had been drawn
live: text (a TrueType font's subset codes and internal names are assigned per document, in order of first use),
transparency and overprint states (named in the form's resources), saving and restoring state (text reads the
font the state holds), images and separation colours (registered with the document). The output is byte for
byte what renderPDF writes.

Transparency and overprint states are the exception when the form begins with none (canvas.beginForm starts
every form with a fresh set): their operators and names then follow from the drawing alone, so they are recorded
as text, and what they leave behind (the states the form's resources name, the values in force, the document's
PDF version) is put in place once at the end (GStates). renderPDF sets them on every shape, inside the saveState
and restoreState it wraps every shape in; with them as text, most of those pairs hold only operators and are kept
as 'q' ... 'Q' (_compact): a replay makes a few calls instead of a hundred.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Callable

# Canvas calls whose effect reaches beyond the operators they append: replayed, never copied.
_REPLAYED = ("saveState", "restoreState", "setFont", "drawString", "drawRightString", "drawCentredString",
             "setFillAlpha", "setStrokeAlpha", "setFillOverprint", "setStrokeOverprint", "setOverprintMask",
             "setBlendMode", "drawImage", "drawInlineImage", "doForm", "setFillColor", "setStrokeColor")
_COLOUR_CALLS = ("setFillColor", "setStrokeColor")
# Calls that only set a transparency or overprint state (canvas._extgstate), and of those the alphas, which also
# raise the document's PDF version.
_GSTATE_CALLS = ("setFillAlpha", "setStrokeAlpha", "setFillOverprint", "setStrokeOverprint", "setOverprintMask",
                 "setBlendMode")
_ALPHA_CALLS = ("setFillAlpha", "setStrokeAlpha")


@dataclass(frozen=True, slots=True)
class Call:
    """A canvas method to call again, with its arguments."""

    name: str
    args: tuple
    kwargs: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class GStates:
    """What the transparency and overprint calls of a form that began without such states leave behind: the
    states named so far (the form's ExtGState resources), the values in force, and whether an alpha was set."""

    names: tuple[tuple[tuple[str, Any], str], ...]
    values: tuple[tuple[str, Any], ...]
    transparency: bool

    def apply(self, canvas: Any) -> None:
        gstate = canvas._extgstate
        gstate._c.update(self.names)   # empty until now (_fresh_gstates); shared with any copy pushed since
        gstate._d = dict(self.values)
        if self.transparency:
            canvas._doc.ensureMinPdfVersion("transparency")


# A recording: operator lines to append as they are (tuples of str) and calls to make again, in order, and last,
# when the form began without transparency states, the states it leaves.
Recording = tuple["tuple[str, ...] | Call | GStates", ...]

# Calls that repeat with the same few arguments (a figure's saveState/restoreState pairs are half of its pieces):
# one shared object each. Their arguments come from the figure code (alphas, overprint flags), never from a
# document's text (a label's font size follows its words: setFont is not shared), so this stays small.
_SHARED_CALLS = ("saveState", "restoreState", "setFillAlpha", "setStrokeAlpha", "setFillOverprint",
                 "setStrokeOverprint", "setOverprintMask", "setBlendMode")
_PLAIN = (str, int, float, bool, type(None))
_SHARED: dict[tuple, Call] = {}


def _call(name: str, args: tuple, kwargs: dict) -> Call:
    """The recorded call, shared with every equal one; equal by value and by type (1, 1.0 and True are equal
    keys in a dict, but a canvas may format them differently)."""
    call = Call(name, args, tuple(sorted(kwargs.items())))
    values = args + tuple(value for _, value in call.kwargs)
    if name not in _SHARED_CALLS or not all(type(value) in _PLAIN for value in values):
        return call
    return _SHARED.setdefault((call, tuple(type(value) for value in values)), call)


def _lines(code: list[str]) -> tuple[str, ...]:
    """Operator lines to append as they are, compactly: all but the last joined as one string (a form's stream
    is its lines joined by newlines, so the bytes are the same), the last kept whole, since a canvas looks at
    its last line (transform merges consecutive 'cm' operators)."""
    if len(code) <= 2:
        return tuple(code)
    return "\n".join(code[:-1]), code[-1]


def _separation(args: tuple, kwargs: dict) -> bool:
    """A separation colour is registered with the document; any other colour only appends an operator (and a
    colour's alpha goes through setFillAlpha or setStrokeAlpha, which are replayed themselves)."""
    from reportlab.lib.colors import CMYKColorSep

    return isinstance(args[0] if args else kwargs.get("aColor"), CMYKColorSep)


def _fresh_gstates(canvas: Any) -> bool:
    """Whether no transparency or overprint state has been set or named in the form yet (beginForm starts it
    so): the operators such calls append then depend on the drawing alone."""
    return not canvas._extgstate._d and not canvas._extgstate._c


def record(canvas: Any, draw: Callable[[], None]) -> Recording:
    """Run `draw` (which draws onto `canvas`, inside a form) and return what it did as a recording. The canvas
    receives exactly what it would have without recording."""
    code: list[str] = canvas._code
    start = len(code)
    pieces: list[list[str] | Call] = []
    mark = [start]
    depth = [0]
    gstates_as_text = _fresh_gstates(canvas)
    transparency = [False]
    originals = {name: getattr(canvas, name) for name in _REPLAYED}

    def intercept(name: str, method: Callable) -> Callable:
        def call(*args: Any, **kwargs: Any) -> Any:
            if gstates_as_text and name in _GSTATE_CALLS:
                transparency[0] = transparency[0] or name in _ALPHA_CALLS
                return method(*args, **kwargs)
            if depth[0] or (name in _COLOUR_CALLS and not _separation(args, kwargs)):
                return method(*args, **kwargs)
            if len(code) > mark[0]:
                pieces.append(code[mark[0]:])
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1
                pieces.append(_call(name, args, kwargs))
                mark[0] = len(code)
        return call

    for name, method in originals.items():
        setattr(canvas, name, intercept(name, method))
    try:
        draw()
    finally:
        for name in originals:
            delattr(canvas, name)   # the instance attribute shadowed the class's method
    if canvas._code is not code:
        raise RuntimeError("the canvas changed its operator list while a figure was recorded")  # a bug
    if len(code) > mark[0]:
        pieces.append(code[mark[0]:])
    if not gstates_as_text:
        return _compact(pieces)
    gstate = canvas._extgstate
    return _compact(pieces) + (GStates(tuple(gstate._c.items()), tuple(gstate._d.items()), transparency[0]),)


def _compact(pieces: list[list[str] | Call]) -> Recording:
    """The recording of `pieces` (operator lines and calls, in order) as small and as quick to replay as it can
    be with the same effect. renderPDF saves and restores the state around every shape; a saveState ...
    restoreState with only operators between them leaves the canvas in the state it found it, so it is kept as
    the operators it appends ('q' ... 'Q') rather than as two calls. What is left of the calls is shared
    (_call), and each run of operators becomes at most two strings (_lines)."""
    out: list[list[str] | Call] = []
    opened: list[int] = []   # where in `out` each saveState not yet restored is

    def text(lines: list[str]) -> None:
        if out and isinstance(out[-1], list):
            out[-1].extend(lines)
        else:
            out.append(list(lines))

    for piece in pieces:
        if not isinstance(piece, Call):
            text(piece)
        elif piece.name == "saveState":
            opened.append(len(out))
            out.append(piece)
        elif piece.name == "restoreState" and opened and all(isinstance(p, list) for p in out[opened[-1] + 1:]):
            start = opened.pop()
            between = [line for p in out[start + 1:] for line in p]
            del out[start:]
            text(["q", *between, "Q"])
        else:
            if piece.name == "restoreState" and opened:
                opened.pop()
            out.append(piece)
    return tuple(_lines(piece) if isinstance(piece, list) else piece for piece in out)


def replay(canvas: Any, recording: Recording) -> None:
    """Draw a recording onto `canvas`, inside a form begun like the one it was recorded in."""
    code = canvas._code
    for piece in recording:
        if isinstance(piece, tuple):
            code.extend(piece)
        elif isinstance(piece, Call):
            getattr(canvas, piece.name)(*piece.args, **dict(piece.kwargs))
            code = canvas._code
        else:
            piece.apply(canvas)


def form_state(canvas: Any) -> tuple:
    """What a form's content depends on besides the drawing: the graphics state a form starts with."""
    return (canvas._initialFontName, canvas._initialFontSize, canvas._initialLeading, canvas._fontname,
            canvas._pageCompression, getattr(canvas, "_enforceColorSpace", None))


# Recordings of each figure (a handouts.pdf.drawings.FigureForm, or any drawing), by the state its form starts in.
# Weak: a figure leaves the figure cache (handouts.pdf.drawings) and its recordings go with it, so memory stays
# flat however many documents are built.
_RECORDINGS: "weakref.WeakKeyDictionary[Any, dict[tuple, Recording]]" = weakref.WeakKeyDictionary()


def recordings(drawing: Any) -> dict[tuple, Recording]:
    """The recordings of `drawing` made so far, by state (what draw_form_content looks up): a caller that keeps
    them elsewhere (handouts.pdf.figurekeep) reads them here and puts them back before the first draw."""
    return _RECORDINGS.setdefault(drawing, {})


def draw_form_content(canvas: Any, drawing: Any, state: tuple, draw: Callable[[], None]) -> None:
    """The content of `drawing`'s form, inside beginForm/endForm: drawn by `draw` the first time this process
    meets the drawing (the object the recording belongs to) in this `state` (form_state, taken before
    beginForm), replayed from then on."""
    by_state = recordings(drawing)
    state = (*state, _fresh_gstates(canvas))   # what record makes of transparency states depends on it
    recording = by_state.get(state)
    if recording is None:
        by_state[state] = record(canvas, draw)
    else:
        replay(canvas, recording)
