"""The three explanatory figures: where it happens, cross-section, how it feels.

These carry the most meaning, so they have the most labels. Labels sit in
clear columns beside the art with thin leader lines, so long translations can
wrap without touching the drawing.
"""
from __future__ import annotations

from reportlab.graphics.shapes import Circle, Path, Rect

from .people import hand_pointing, look
from .prims import (Blob, Capsule, Disc, Frame, arrow, capsules, curve_through, ellipse,
                    filled, line, polygon, rounded, smooth_closed, smooth_open,
                    smooth_top_block)
from .style import BOLD, LINE, THIN
from .spec import figure

LABEL = 10.5      # label size (design units) for the big figures


# ------------------------------------------------------------ where it happens
def _both(cx: float, half: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Right-half outline (x offsets from the midline) -> full symmetric outline."""
    right = [(cx + dx, y) for dx, y in half]
    left = [(cx - dx, y) for dx, y in reversed(half)]
    return right + left


def _marker(f: Frame, x: float, y: float, r: float = 4.4) -> None:
    """The 'usual place' marker: soft halo + dot with a paper ring, the ring edged in ink so that the marker is a
    shape, not only a colour: in grayscale the halo nearly matches light bone and skin."""
    pal = f.pal
    halo = Circle(x, y, r * 2.3, fillColor=pal.accent, strokeColor=None)
    halo.fillOpacity = 0.28
    f.add(halo, Circle(x, y, r + 1.4, fillColor=pal.paper, strokeColor=pal.ink, strokeWidth=0.7),
          Circle(x, y, r, fillColor=pal.accent, strokeColor=None))


@figure("where-it-happens", keys=("spine", "lower-back", "hip-bone", "sacrum", "usual-places"), size=(360.0, 268.0))
def draw_where_it_happens(f: Frame) -> None:
    """Back view of a torso and pelvis; usual places marked on both sides."""
    pal, cx = f.pal, f.width / 2
    skin = pal.skin_tone(2)
    ink = pal.ink

    torso_half = [(10, 209), (30, 203), (56, 194), (63, 180), (57, 158), (45, 124),
                  (49, 102), (55, 80), (53, 52), (47, 12), (5, 12), (2, 34)]
    torso = _both(cx, torso_half)
    parts = [
        Blob(lambda: smooth_closed(torso, 0.35), skin),
        Capsule([(cx + 55, 188), (cx + 66, 130), (cx + 70, 74)], 19, skin),
        Capsule([(cx - 55, 188), (cx - 66, 130), (cx - 70, 74)], 19, skin),
        Capsule([(cx, 226), (cx, 200)], 19, skin),
        Disc((cx - 21, 234), 5, skin), Disc((cx + 21, 234), 5, skin),
        Disc((cx, 236), 21, skin),
    ]
    f.add(capsules(parts, ink))
    # hair: the back of the head, which is what says "seen from behind"
    hair = [(cx - 21, 238), (cx - 17, 252), (cx, 259), (cx + 17, 252), (cx + 21, 238),
            (cx + 17, 224), (cx, 219), (cx - 17, 224)]
    f.add(filled(smooth_closed(hair, 0.5), pal.hair, ink))
    # shorts
    shorts_half = [(0, 68), (56, 68), (55, 46), (51, 24), (6, 22), (0, 36)]
    f.add(filled(smooth_closed(_both(cx, shorts_half), 0.0), pal.trousers, ink))
    f.add(line(cx - 55, 62, cx + 55, 62, pal.line, THIN))
    # shoulder blades: soft hints of the back's shape
    for s in (-1, 1):
        f.add(rounded(smooth_open([(cx + s * 18, 186), (cx + s * 34, 170), (cx + s * 30, 150)]),
                      THIN, pal.line))

    _spine(f, cx)
    _pelvis(f, cx)

    for s in (-1, 1):
        _marker(f, cx + s * 16, 140)     # beside the spine, lower back
        _marker(f, cx + s * 36, 118)     # on the posterior iliac crest
        _marker(f, cx + s * 17, 94)      # over the sacroiliac joint

    # labels: left column ends at x=96, right column starts at x=266
    f.label("spine", 96, 178, LABEL, "end", valign="middle", max_width=88)
    f.leader(99, 178, cx - 1, 178)
    f.label("lower-back", 96, 146, LABEL, "end", valign="middle", max_width=88)
    f.leader(99, 146, cx - 22, 141)
    f.label("sacrum", 96, 76, LABEL, "end", valign="middle", max_width=88, max_lines=3)   # room below the hip
    f.leader(99, 76, cx - 4, 80)
    f.label("hip-bone", 266, 128, LABEL, "start", valign="middle", max_width=88)
    f.leader(263, 128, cx + 50, 112)
    # legend: in the right column's line (x=266), its marker in the space beside the shorts
    _marker(f, 254, 52)
    f.label("usual-places", 266, 52, LABEL, "start", valign="middle", max_width=90,
            max_lines=3, bold=True)


def _spine(f: Frame, cx: float) -> None:
    """Vertebrae as small rounded blocks: bigger in the lower back."""
    pal = f.pal
    y = 108
    for w, h in [(16, 10)] * 5 + [(12, 7)] * 7:
        box = Rect(cx - w / 2, y, w, h, rx=3, ry=3, fillColor=pal.bone, strokeColor=pal.line)
        box.fillOpacity = 0.9
        f.add(rounded(box, THIN, pal.line))
        y += h + 3
        if y > 200:
            break


def _pelvis(f: Frame, cx: float) -> None:
    """Hip bones (iliac wings with their crests) and the sacrum between them."""
    pal = f.pal
    # iliac wing: fan-shaped, widest at the crest, narrowing to the hip joint
    wing = [(13, 102), (19, 114), (33, 122), (48, 120), (58, 110), (56, 98),
            (47, 86), (41, 74), (35, 64), (26, 64), (20, 72), (14, 88)]
    for s in (-1, 1):
        pts = [(cx + s * dx, y) for dx, y in wing]
        shape = filled(smooth_closed(pts, 0.5), pal.bone, pal.ink, THIN + 0.2)
        shape.fillOpacity = 0.88
        f.add(shape)
    sacrum = [(cx - 13, 106), (cx + 13, 106), (cx + 11, 88), (cx + 5, 68), (cx, 60),
              (cx - 5, 68), (cx - 11, 88)]
    shape = filled(smooth_closed(sacrum, 0.4), pal.bone, pal.ink, THIN + 0.2)
    shape.fillOpacity = 0.92
    f.add(shape)
    for dy in (98, 89, 80):
        for s in (-1, 1):
            f.add(Circle(cx + s * 5, dy, 1.3, fillColor=pal.line, strokeColor=None))


# -------------------------------------------------------------- cross-section
X0, X1 = 16.0, 226.0          # block edges
SKIN_TOP, SKIN_BOT = 180.0, 164.0
FASCIA_TOP, FASCIA_BOT = 110.0, 98.0
MUSCLE_BOT = 24.0
NX = 118.0                    # nodule centre x
TEAR_L, TEAR_R = 107.0, 129.0


def _band(upper: list[tuple[float, float]], lower: list[tuple[float, float]]) -> Path:
    """The skin: a closed band between a smooth upper surface and the smooth surface under it (both drawn
    left to right)."""
    band = Path()
    band.moveTo(*upper[0])
    curve_through(band, upper)
    band.lineTo(*lower[-1])
    curve_through(band, list(reversed(lower)))
    band.closePath()
    return band


def _surface(y: float, bump: float) -> list[tuple[float, float]]:
    """Points of a horizontal surface that bulges gently over the nodule."""
    return [(X0, y), (NX - 60, y), (NX - 30, y + bump * 0.55), (NX, y + bump),
            (NX + 30, y + bump * 0.55), (NX + 60, y), (X1, y)]


@figure("cross-section", keys=("skin", "fat", "fascia", "tear", "back-mouse", "muscle"), size=(330.0, 200.0))
def draw_cross_section(f: Frame) -> None:
    """Layers under the skin with fat pushing up through a tear in the fascia."""
    pal = f.pal
    ink = pal.ink
    # muscle with gentle fibre lines
    f.add(rect_shape(X0, MUSCLE_BOT, X1 - X0, FASCIA_BOT - MUSCLE_BOT, pal.muscle, ink))
    for i, y in enumerate(range(34, 92, 10)):
        pts = [(X0 + 6, y), (X0 + 60, y + 2.5), (X0 + 120, y - 1.5), (X1 - 6, y + 1.5)]
        fib = rounded(smooth_open(pts), THIN, pal.paper)
        fib.strokeOpacity = 0.45
        f.add(fib)
    # fat layer (one polygon from fascia up to the skin's under side)
    under = _surface(SKIN_BOT, 5)
    fat = [(X0, FASCIA_TOP)] + under + [(X1, FASCIA_TOP)]
    f.add(filled(smooth_top_block(fat), pal.fat, ink))
    _fat_cells(f)
    _nodule(f)
    _fascia(f)
    # skin on top
    f.add(filled(_band(_surface(SKIN_TOP, 7), under), pal.skin_layer, ink))

    col = 240
    f.label("skin", col, 176, LABEL, "start", valign="middle", max_width=84)
    f.leader(col - 3, 176, X1 - 10, 172)
    f.label("fat", col, 148, LABEL, "start", valign="middle", max_width=84)
    f.leader(col - 3, 148, X1 - 16, 140)
    f.label("back-mouse", col, 124, LABEL, "start", bold=True, valign="middle", max_width=84)
    f.leader(col - 3, 124, NX + 18, 133)
    f.label("fascia", col, 98, LABEL, "start", valign="middle", max_width=84)
    f.leader(col - 3, 98, X1 - 12, 104)
    f.label("tear", col, 72, LABEL, "start", valign="middle", max_width=84)
    f.leader(col - 3, 72, TEAR_R + 3, 101)
    f.label("muscle", col, 44, LABEL, "start", valign="middle", max_width=84)
    f.leader(col - 3, 44, X1 - 14, 48)


def rect_shape(x, y, w, h, fill, ink):
    return filled(Rect(x, y, w, h), fill, ink)


def _fat_cells(f: Frame) -> None:
    """Faint round cells so the fat layer reads as fat even in gray."""
    pal = f.pal
    for row, y in enumerate((122, 138, 154)):
        for i in range(11):
            x = X0 + 12 + i * 19 + (9 if row % 2 else 0)
            if abs(x - NX) < 40 or x > X1 - 8:
                continue
            c = Circle(x, y, 5.5, fillColor=None, strokeColor=pal.nodule, strokeWidth=THIN)
            f.add(c)


def _nodule(f: Frame) -> None:
    """The back mouse: fat from under the fascia, bulging up through the tear."""
    pal = f.pal
    pts = [(NX, 154), (NX + 20, 150), (NX + 27, 136), (NX + 21, 120), (NX + 10, 112),
           (NX + 10, 99), (NX + 26, 94), (NX + 22, 85), (NX, 83), (NX - 22, 85),
           (NX - 26, 94), (NX - 10, 99), (NX - 10, 112), (NX - 21, 120), (NX - 27, 136),
           (NX - 20, 150)]
    f.add(filled(smooth_closed(pts, 0.45), pal.nodule, pal.ink, LINE + 0.3))
    # lobule texture
    for arc in ([(NX - 14, 142), (NX - 4, 136), (NX - 8, 124)],
                [(NX + 4, 146), (NX + 12, 136), (NX + 8, 124)],
                [(NX - 12, 90), (NX, 94), (NX + 12, 90)]):
        t = rounded(smooth_open(arc), THIN, pal.ink)
        t.strokeOpacity = 0.45
        f.add(t)
    f.add(arrow(NX, 100, NX, 128, pal.ink, 1.6, 5.5))


def _fascia(f: Frame) -> None:
    """The fascia band with ragged edges at the tear."""
    pal = f.pal
    left = [(X0, FASCIA_BOT), (X0, FASCIA_TOP), (TEAR_L, FASCIA_TOP), (TEAR_L - 4, 106.5),
            (TEAR_L + 1, 103.5), (TEAR_L - 3, 100.5), (TEAR_L, FASCIA_BOT)]
    right = [(TEAR_R, FASCIA_BOT), (TEAR_R + 3, 100.5), (TEAR_R - 1, 103.5),
             (TEAR_R + 4, 106.5), (TEAR_R, FASCIA_TOP), (X1, FASCIA_TOP), (X1, FASCIA_BOT)]
    f.add(polygon(left, pal.fascia, pal.ink), polygon(right, pal.fascia, pal.ink))
    # fibre lines along the band
    for x0, x1 in ((X0 + 4, TEAR_L - 8), (TEAR_R + 8, X1 - 4)):
        fl = line(x0, 104, x1, 104, pal.paper, THIN)
        fl.strokeOpacity = 0.5
        f.add(fl)


# ---------------------------------------------------------------- how it feels
@figure("how-it-feels", keys=("lump", "moves", "tender"), size=(290.0, 214.0))
def draw_how_it_feels(f: Frame) -> None:
    """A finger presses a lump under the skin: it slides, and it is tender. "It slides under your finger" sits
    centred under the arrow, inside the fat and across its width: at the side of the arrow it had a third of the
    width and ran out of the drawing at the easy level's label size."""
    pal = f.pal
    ink = pal.ink
    x0, x1, bottom = 8.0, f.width - 8, 8.0
    lx, top = 128.0, 94.0                  # lump centre x, skin surface y
    surf = [(x0, top), (lx - 50, top), (lx - 24, top + 8), (lx, top + 13),
            (lx + 24, top + 8), (lx + 50, top), (x1, top)]
    under = [(x0, top - 9)] + [(x, y - 9) for x, y in surf[1:-1]] + [(x1, top - 9)]
    f.add(filled(smooth_top_block([(x0, bottom)] + under + [(x1, bottom)]), pal.fat, ink))
    lump_y, arrow_y = top - 18, top - 40
    # ghost positions: where the lump slides to
    for dx in (-22, 22):
        g = ellipse(lx + dx, lump_y, 25, 13, None, pal.line, THIN)
        g.strokeDashArray = [3, 3]
        f.add(g)
    f.add(ellipse(lx, lump_y, 25, 13, pal.nodule, ink, LINE + 0.3))
    f.add(arrow(lx - 48, arrow_y, lx + 48, arrow_y, pal.accent, BOLD, 7, double=True))
    f.add(filled(_band(surf, under), pal.skin_tone(1), ink))
    # finger pressing at the top of the bump
    tip = (lx + 1, top + 13 + 5)
    f.add(hand_pointing(tip, look(pal, 3, 1), ink, tilt_deg=-18))
    # tenderness: short radiating lines
    import math
    for ang in (115, 145, 175, 25):
        a = math.radians(ang)
        r0, r1 = 14, 23
        f.add(line(tip[0] + r0 * math.cos(a), tip[1] - 2 + r0 * math.sin(a),
                   tip[0] + r1 * math.cos(a), tip[1] - 2 + r1 * math.sin(a), pal.warning, BOLD))

    f.label("tender", 88, top + 70, LABEL, "end", valign="middle", max_width=80)
    f.leader(91, top + 70, tip[0] - 15, tip[1] + 20)
    f.label("lump", 206, top + 30, LABEL, "start", valign="middle", max_width=f.width - 212, max_lines=3)
    f.leader(203, top + 30, lx + 20, lump_y + 6)
    # between the arrow and the bottom of the fat, the fat's width less a margin each side
    f.label("moves", f.width / 2, (arrow_y - 7 + bottom + 3) / 2, LABEL, "middle", valign="middle",
            max_width=x1 - x0 - 16)
