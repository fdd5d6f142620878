"""backcoach: a coach at home for lower back pain core exercises."""

__version__ = "0.1.0"
