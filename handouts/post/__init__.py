"""What is done to a finished PDF: booklet imposition, merging, encryption, and finishing what they make."""
