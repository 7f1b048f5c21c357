"""Fill Jinja2 variables (clinic name, phone, dates) into section text.

Content may come from many hands, so templates render in Jinja2's sandbox with StrictUndefined: a misspelt
variable stops the build instead of printing a blank, and a template cannot reach Python internals. Values are
escaped for Markdown as they are inserted, so a clinic called `Smith & Jones <Physio>` or `*Best* Physio` prints
literally instead of turning into emphasis or markup.

A pipeline must never hang on a template, so every kind of work a template can do is counted, never timed (a
clock would make the same content pass on one machine and fail on another): `range()` gives at most
`MAX_RANGE` items, loop iterations and calls together are at most `MAX_STEPS` per section, a value built by an
operator, filter or method is at most `MAX_VALUE` characters (checked before it is built where Python would
build it in one go, like `'A ' * 2000000`), numbers are at most `MAX_INT_BITS` bits, and a section's output
is at most `MAX_OUTPUT` characters. Content templates cannot read other files (include, import, extends),
and tags that collect output into a value (macro, call, filter, block, set … endset) are not available: all
output is then counted as it is written.
"""

from __future__ import annotations

import contextvars
import re
from functools import lru_cache, update_wrapper
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from handouts.errors import TemplateError

MAX_RANGE = 1_000
MAX_STEPS = 10_000
MAX_VALUE = 100_000
MAX_INT_BITS = 4_096
MAX_OUTPUT = 200_000

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Filters whose result is no larger than what they are given, plus `join` and `replace`, which are checked
# before they run. The others (center, indent, format, wordwrap, batch and slice with their padding) are left out.
_FILTERS = ("abs", "capitalize", "default", "d", "e", "escape", "first", "float", "int", "last", "length",
            "count", "list", "lower", "max", "min", "round", "sort", "string", "striptags", "sum", "title",
            "trim", "truncate", "upper", "wordcount", "unique", "reverse", "select", "reject", "selectattr",
            "rejectattr", "map", "attr", "dictsort", "groupby", "items", "join", "replace")
# str methods whose result can be far larger than their input.
_EXPANDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map"})
_PERCENT_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_OTHER_FILES = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import",
                nodes.Extends: "extends"}
# Tags that collect output into a value before it is written (and so before the output count sees it).
_CAPTURING = {nodes.Macro: "macro", nodes.CallBlock: "call", nodes.FilterBlock: "filter",
              nodes.AssignBlock: "set … endset", nodes.Block: "block"}


class _Refused(Exception):
    """A template went past a limit or asked for something content templates cannot do."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno


class _Budget:
    """Work left for the section being rendered: loop iterations and calls."""

    def __init__(self) -> None:
        self.steps = MAX_STEPS

    def spend(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise _Refused(f"the template does more than {MAX_STEPS:,} loop iterations and calls")


_BUDGET: contextvars.ContextVar[_Budget] = contextvars.ContextVar("handouts_template_budget")


def _spend() -> None:
    budget = _BUDGET.get(None)
    if budget is not None:
        budget.spend()


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) else 0


def checked(value: Any) -> Any:
    """Refuse a value past the size limits; returns it unchanged otherwise."""
    if _size(value) > MAX_VALUE:
        raise _Refused(f"the template builds a value of {_size(value):,} items or characters "
                       f"(the limit is {MAX_VALUE:,})")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _Refused(f"the template builds a number larger than {MAX_INT_BITS:,} bits")
    return value


def bounded_range(*args: int) -> range:
    """`range` for templates: at most MAX_RANGE items."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _Refused(f"range() of {len(numbers):,} items (the limit is {MAX_RANGE:,})")
    return numbers


def counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """Wraps the iterable of every `{% for %}`: each iteration spends one step of the section's budget."""
    for item in iterable:
        _spend()
        yield item


def _check_percent(template: str) -> None:
    for match in _PERCENT_WIDTH.finditer(template):
        for width in match.groups():
            if width == "*" or (width and int(width) > MAX_VALUE):
                raise _Refused(f"a '%' format width larger than {MAX_VALUE:,} (or '*')")


def _planned_size(op: str, left: Any, right: Any) -> None:
    """Refuse what would be too large before Python builds it."""
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            if _size(seq) and isinstance(times, int) and _size(seq) * max(times, 0) > MAX_VALUE:
                raise _Refused(f"the template repeats a value into {_size(seq) * times:,} items or characters "
                               f"(the limit is {MAX_VALUE:,})")
        if isinstance(left, int) and isinstance(right, int) and \
                left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _Refused(f"the template builds a number larger than {MAX_INT_BITS:,} bits")
    elif op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and \
            max(left.bit_length() - 1, 1) * right > MAX_INT_BITS:
        raise _Refused(f"the template builds a number larger than {MAX_INT_BITS:,} bits")
    elif op == "%" and isinstance(left, str):
        _check_percent(left)


def _guard_filter(name: str, function: Any) -> Any:
    """A filter whose result is checked; `join` and `replace` also before they run."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        if name == "join" and len(args) >= 2 and isinstance(args[1], Iterable):
            items = list(args[1])
            separator = args[2] if len(args) > 2 else kwargs.get("d", "")
            planned = sum(len(str(item)) for item in items) + len(str(separator)) * max(len(items) - 1, 0)
            if planned > MAX_VALUE:
                raise _Refused(f"join would build {planned:,} characters (the limit is {MAX_VALUE:,})")
            args = (args[0], items, *args[2:])
        if name == "replace" and len(args) >= 4:
            _planned_replace(str(args[1]), str(args[2]), str(args[3]))
        return checked(function(*args, **kwargs))

    return update_wrapper(guarded, function)  # keeps jinja2's pass_context / pass_eval_context markers


def _planned_replace(text: str, old: str, new: str) -> None:
    hits = text.count(old) if old else len(text) + 1
    planned = len(text) + hits * (len(new) - len(old))
    if planned > MAX_VALUE:
        raise _Refused(f"replace would build {planned:,} characters (the limit is {MAX_VALUE:,})")


class _Bounds(NodeTransformer):
    """Rewrites a parsed template: every `for` iterates through `counted`, every `~` result is checked, and
    include/import/extends are refused with their line, as are the tags that capture output (macro, call,
    filter, block, set … endset, recursive loops): all output then passes the count in `_generate`."""

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        for kind, word in _OTHER_FILES.items():
            if isinstance(node, kind):
                raise _Refused(f"'{{% {word} %}}': content templates cannot include other files", node.lineno)
        for kind, word in _CAPTURING.items():
            if isinstance(node, kind):
                raise _Refused(f"'{{% {word} %}}' is not available in content templates", node.lineno)
        if isinstance(node, nodes.For) and node.recursive:
            raise _Refused("recursive loops are not available in content templates", node.lineno)
        node = super().generic_visit(node, *args, **kwargs)
        if isinstance(node, nodes.For):
            node.iter = self._wrap("counted", node.iter)
        elif isinstance(node, nodes.Concat):
            return self._wrap("checked", node)
        return node

    @staticmethod
    def _wrap(function: str, expr: nodes.Expr) -> nodes.Expr:
        return nodes.Call(nodes.EnvironmentAttribute(function), [expr], [], None, None, lineno=expr.lineno)


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with counted limits on everything a template can make or repeat (module docstring)."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})
    counted = staticmethod(counted)
    checked = staticmethod(checked)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _guard_filter(name, self.filters[name]) for name in _FILTERS}
        self.globals = {"range": bounded_range, "dict": dict, "namespace": self.globals["namespace"]}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _Bounds().visit(super()._parse(source, name, filename))

    def call_binop(self, context: jinja2.runtime.Context, op: str, left: Any, right: Any) -> Any:
        _planned_size(op, left, right)
        return checked(super().call_binop(context, op, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _spend()
        if isinstance(getattr(__obj, "__self__", None), str):
            method = getattr(__obj, "__name__", "")
            if method in _EXPANDING_METHODS:
                raise _Refused(f"the string method '{method}' is not available in content templates")
            if method == "replace" and len(args) >= 2:
                _planned_replace(__obj.__self__, str(args[0]), str(args[1]))
            if method == "join" and args:
                items = list(args[0])
                planned = sum(_size(item) for item in items) + len(__obj.__self__) * len(items)
                if planned > MAX_VALUE:
                    raise _Refused(f"join would build {planned:,} characters (the limit is {MAX_VALUE:,})")
                args = (items, *args[1:])
        return checked(SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs))


def markdown_escape(value: Any) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows it for all of them)."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _environment() -> BoundedEnvironment:
    return BoundedEnvironment(
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


def _generate(source: str, context: Mapping[str, Any]) -> str:
    """Render, stopping as soon as the output passes MAX_OUTPUT characters."""
    budget = _BUDGET.set(_Budget())
    try:
        parts: list[str] = []
        total = 0
        for chunk in _template(source).generate(**context):
            total += len(chunk)
            if total > MAX_OUTPUT:
                raise _Refused(f"the template writes more than {MAX_OUTPUT:,} characters")
            parts.append(chunk)
        return "".join(parts)
    finally:
        _BUDGET.reset(budget)


def render(source: str, context: Mapping[str, Any], *, path: Path | str, first_line: int = 1) -> str:
    """Render one section body; errors name the content file and the line in it."""
    try:
        return _generate(source, context)
    except _Refused as exc:
        line = exc.lineno or _template_line(exc) or 1
        raise TemplateError(str(exc), path=path, line=first_line + line - 1,
                            hint="see 'Limits' in content/README.md") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}", path=path,
                            line=first_line + (exc.lineno or 1) - 1,
                            hint="fix the {{ }} or {% %} tag") from None
    except jinja2.UndefinedError as exc:
        line = _line_of_undefined(source, str(exc.message or exc)) + first_line - 1
        raise TemplateError(f"undefined template variable: {exc.message}", path=path, line=line,
                            hint="see content/README.md for the variables that exist") from None
    except SecurityError as exc:
        raise TemplateError(f"template tried something unsafe: {exc}", path=path,
                            line=first_line + (_template_line(exc) or 1) - 1,
                            hint="content templates may only use the documented variables") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template error: {exc}", path=path,
                            line=first_line + (_template_line(exc) or 1) - 1) from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError, RecursionError) as exc:
        # A template's own mistakes: 1/0, 'a' + 1, int('x'), [][1], a macro calling itself for ever.
        raise TemplateError(f"template error: {type(exc).__name__}: {exc}", path=path,
                            line=first_line + (_template_line(exc) or 1) - 1,
                            hint="fix the expression on that line") from None


def _template_line(exc: BaseException) -> int | None:
    """The template line an exception was raised on: jinja2 rewrites tracebacks so that template frames carry
    their template line numbers under the file name '<template>'."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _line_of_undefined(source: str, message: str) -> int:
    """Jinja2 does not say where an undefined name was used; find the first line that mentions it."""
    names = re.findall(r"'([^']+)'", message)
    for name in reversed(names):
        for number, text in enumerate(source.splitlines(), start=1):
            if "{{" in text or "{%" in text:
                if re.search(r"\b" + re.escape(name) + r"\b", text):
                    return number
    return 1
