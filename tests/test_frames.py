"""handouts.pdf.frames: a frame copies itself as deepcopy would."""

from __future__ import annotations

import copy

from reportlab.platypus import Frame as ReportlabFrame

from handouts.pdf.frames import Frame


def test_a_frame_deep_copy_is_deepcopys():
    """Same class, same attributes, and nothing mutable shared (what platypus's measuring adds to the copy stays
    off the frame it measures in), as reportlab's frame copied by copy.deepcopy."""
    frames = []
    for cls in (Frame, ReportlabFrame):
        frame = cls(10.5, 20.25, 200, 500.75, leftPadding=0, id="body0")
        frame._frameBGs = [("bg", [1, 2])]
        frame._generated_content = []
        frame.add_generated_content("x")
        frames.append((frame, copy.deepcopy(frame)))
    (mine, my_copy), (theirs, their_copy) = frames
    assert type(my_copy) is Frame and my_copy is not mine
    assert my_copy.__dict__ == mine.__dict__
    assert sorted(my_copy.__dict__) == sorted(their_copy.__dict__)
    assert my_copy._frameBGs is not mine._frameBGs and my_copy._frameBGs[0][1] is not mine._frameBGs[0][1]
    my_copy._generated_content.append("y")
    assert mine._generated_content == ["x"]
