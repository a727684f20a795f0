"""The shared web layer: course pages and quizzes as accessible HTML.

Both browser-facing targets (the static preview site and SCORM 1.2) show the same
pages, so the layout, the CSS and the quiz form with its client-side scoring live here
once.  Exporters choose where files go (:class:`WebLayout`), render pages with
:class:`PageRenderer` and copy :func:`static_files` into their bundle.
"""

from .layout import WebLayout
from .pages import GRADED_SUBMIT_LABEL, PageRenderer, RenderOptions
from .quiz import quiz_key
from .static import static_files

__all__ = ["GRADED_SUBMIT_LABEL", "PageRenderer", "RenderOptions", "WebLayout", "quiz_key", "static_files"]
