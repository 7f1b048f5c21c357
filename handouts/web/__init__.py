"""`handouts serve`: the plan file's copy made from a local web page and a JSON API (see app.py)."""
