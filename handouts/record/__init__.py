"""Records of what a build made, for other systems: the FHIR R4 hand-off (`fhir.py`)."""
