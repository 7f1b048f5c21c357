"""A 0-10 pain scale with faces that a patient can circle with a pen."""
from __future__ import annotations

from reportlab.lib.colors import Color

from .people import face
from .prims import Frame, line
from .style import LINE
from .spec import PAIN_KEYS, figure

X0, X1 = 30.0, 350.0
LINE_Y = 48.0


def _mix(a: Color, b: Color, t: float) -> Color:
    return Color(a.red + (b.red - a.red) * t, a.green + (b.green - a.green) * t,
                 a.blue + (b.blue - a.blue) * t)


@figure("pain-scale", keys=PAIN_KEYS, size=(380.0, 140.0))
def draw_pain_scale(f: Frame) -> None:
    """Faces at 0, 2, ..., 10 over a numbered line; end labels under the ends.

    Mirrored for right-to-left languages so "no pain" is where reading starts;
    the digits themselves are labels and are never mirrored.
    """
    pal = f.pal
    step = (X1 - X0) / 10
    f.add(line(X0, LINE_Y, X1, LINE_Y, pal.ink, LINE + 0.4))
    for i in range(11):
        x = X0 + i * step
        f.add(line(x, LINE_Y - 5, x, LINE_Y + 5, pal.ink, LINE))
        f.label(str(i), x, LINE_Y - 18, 12, "middle", bold=True, max_width=step - 2,
                max_lines=1)
        if i % 2 == 0:
            mood = i / 10
            fill = _mix(pal.paper, pal.warm, mood * 0.8)
            f.add(face(x, 96, 22, mood, fill, pal.ink))
            f.add(line(x, LINE_Y + 7, x, 72, pal.line, 0.6))
    f.label("no-pain", X0 - 16, 14, 11, "start", valign="middle", max_width=120, max_lines=1)
    f.label("worst-pain", X1 + 16, 14, 11, "end", valign="middle", max_width=120, max_lines=1)
