"""What a build is told besides the content: page layouts, the clinic profile, one patient's personal copy."""
