"""ilead-shell: one course written as Markdown modules, packaged for every LMS."""

__version__ = "0.1.0"
