"""Interface strings with no variables, translated when a template is compiled.

Each page calls ``_("Next:")`` and a dozen like it; a literal without variables has one
translation per environment (there is one environment per language), so the compiled
template can hold it as text instead of calling ``_`` and escaping its result on every
page.  The token sequence ``_ ( "literal" )`` becomes ``( "translation" | safe )``, a
constant Jinja folds into the template's text.  It renders what the call renders: ``_``
returns the translation as Markup (``pages._interface_text``), which autoescape leaves
as it is, and so does ``safe``.  Calls with variables, or with anything but one string
literal, are left to run as written.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream


class ConstantInterfaceText(Extension):
    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        return _folded(stream, self.environment.globals["_"])


def _folded(tokens: Iterable[Token], translate) -> Iterator[Token]:
    window: list[Token] = []
    previous: Token | None = None
    for token in tokens:
        window.append(token)
        if len(window) < 4:
            continue
        if _literal_call(window, previous):
            line = window[0].lineno
            yield from (Token(line, "lparen", "("), Token(line, "string", str(translate(window[2].value))),
                        Token(line, "pipe", "|"), Token(line, "name", "safe"), Token(line, "rparen", ")"))
            previous = window[3]
            window.clear()
        else:
            previous = window.pop(0)
            yield previous
    yield from window


def _literal_call(window: list[Token], previous: Token | None) -> bool:
    name, opening, literal, closing = window
    # ``x._("...")`` or ``x | _("...")`` would name something else than the global ``_``.
    after_name = previous is not None and (previous.type in ("dot", "pipe") or previous.test("name:is"))
    return (name.type == "name" and name.value == "_" and opening.type == "lparen" and literal.type == "string"
            and closing.type == "rparen" and not after_name)
