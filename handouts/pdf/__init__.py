"""The PDF writer: the model's blocks as reportlab flowables in a layout's frames, tagged while drawn."""
