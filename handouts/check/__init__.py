"""Checks that need no rendering: content structure, template variables, figures, links, reading level."""
