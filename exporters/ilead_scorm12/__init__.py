"""SCORM 1.2 exporter with tracked completion, score and resume."""
