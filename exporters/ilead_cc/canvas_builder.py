"""Placeholder, replaced below."""
from .targets import CommonCartridgeExporter as CanvasExporter  # noqa
