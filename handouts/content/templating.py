"""Fill Jinja2 variables (clinic name, phone, dates) into section text.

Content may come from many hands, so templates render in Jinja2's sandbox with StrictUndefined: a misspelt
variable stops the build instead of printing a blank, and a template cannot reach Python internals. Values are
escaped for Markdown as they are inserted, so a clinic called `Smith & Jones <Physio>` or `*Best* Physio` prints
literally instead of turning into emphasis or markup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from handouts.errors import TemplateError

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_escape(value: Any) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows it for all of them)."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=markdown_escape,
        keep_trailing_newline=True,
    )


_ENV = _environment()


@lru_cache(maxsize=4096)
def _template(source: str) -> jinja2.Template:
    """Compiling is most of a render's cost, and the same sections render for every paper and layout."""
    return _ENV.from_string(source)


def render(source: str, context: Mapping[str, Any], *, path: Path | str, first_line: int = 1) -> str:
    """Render one section body; errors name the content file and the line in it."""
    try:
        return _template(source).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}", path=path,
                            line=first_line + (exc.lineno or 1) - 1,
                            hint="fix the {{ }} or {% %} tag") from None
    except jinja2.UndefinedError as exc:
        line = _line_of_undefined(source, str(exc.message or exc)) + first_line - 1
        raise TemplateError(f"undefined template variable: {exc.message}", path=path, line=line,
                            hint="see content/README.md for the variables that exist") from None
    except SecurityError as exc:
        raise TemplateError(f"template tried something unsafe: {exc}", path=path, line=first_line,
                            hint="content templates may only use the documented variables") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template error: {exc}", path=path, line=first_line) from None


def _line_of_undefined(source: str, message: str) -> int:
    """Jinja2 does not say where an undefined name was used; find the first line that mentions it."""
    names = re.findall(r"'([^']+)'", message)
    for name in reversed(names):
        for number, text in enumerate(source.splitlines(), start=1):
            if "{{" in text or "{%" in text:
                if re.search(r"\b" + re.escape(name) + r"\b", text):
                    return number
    return 1
