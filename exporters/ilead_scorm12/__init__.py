"""SCORM 1.2 exporter with tracked completion, score and resume."""

from .exporter import Scorm12Exporter

__all__ = ["Scorm12Exporter"]
