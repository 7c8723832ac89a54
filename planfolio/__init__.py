"""planfolio: a static site generator for a portfolio of action learning plans."""

__version__ = "0.1.0"
