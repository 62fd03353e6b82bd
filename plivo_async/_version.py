"""The package version, in a module of its own: the HTTP layer's User-Agent needs it, and
importing the package root for it would import everything above the HTTP layer."""

__version__ = "0.1.0"
