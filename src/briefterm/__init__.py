"""briefterm: a terminal news reader that presents feeds as sectioned briefs."""

__version__ = "0.1.0"
