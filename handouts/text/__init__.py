"""Text as glyphs: fonts and their fallback chains, shaping, bidi, reportlab markup, figure labels as outlines."""
