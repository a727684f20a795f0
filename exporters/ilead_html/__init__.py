"""Static HTML preview site of a course."""

from .exporter import HtmlExporter

__all__ = ["HtmlExporter"]
