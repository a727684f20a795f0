"""IMS Common Cartridge exporters: plain (1.1/1.3) and LMS-flavoured."""

from .canvas_builder import CanvasExporter
from .targets import (BlackboardExporter, BrightspaceExporter, CommonCartridgeExporter, MoodleExporter)

__all__ = ["CommonCartridgeExporter", "CanvasExporter", "MoodleExporter", "BrightspaceExporter",
           "BlackboardExporter"]
