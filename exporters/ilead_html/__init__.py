"""Static HTML preview site of a course."""
