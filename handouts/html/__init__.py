"""The HTML twin: one self-contained, accessible web page per document."""
