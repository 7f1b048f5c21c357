"""handouts: printable, illustrated patient leaflets from reviewed clinical content."""

__version__ = "0.1.0"
