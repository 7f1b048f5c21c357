"""What is done to a finished PDF: structure tree and dates, booklet imposition, merging, encryption."""
