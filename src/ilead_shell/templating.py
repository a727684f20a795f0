"""The one Jinja environment factory: autoescape on, undefined names are errors."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


# One per template folder and process: Jinja compiles each template once per environment, and
# a long-running caller (serve) renders every page again after each edit.
@lru_cache(maxsize=None)
def environment(package: str, folder: str = "templates") -> Environment:
    """The shared environment for ``package``'s ``folder``; never change it (see new_environment)."""
    return new_environment(package, folder)


def new_environment(package: str, folder: str = "templates",
                    environment_class: type[Environment] = Environment) -> Environment:
    """An environment of its own, for a caller that changes it (installs translations, say):
    changing the shared one would change every other caller's pages too.

    Autoescape covers .html and .xml so text from authors can never break markup;
    StrictUndefined turns a typo in a template into an error instead of empty output.
    The templates are files of the installed package, so a template is not looked at again
    once loaded (``auto_reload`` would stat its file on every ``get_template``, once per page).
    """
    env = environment_class(
        loader=PackageLoader(package, folder),
        auto_reload=False,
        autoescape=select_autoescape(["html", "htm", "xml", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env
