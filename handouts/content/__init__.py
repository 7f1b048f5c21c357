"""Content files → the model: reading topics, languages and Markdown, filling template variables. No reportlab."""
