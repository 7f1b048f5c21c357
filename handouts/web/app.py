"""`handouts serve`: a local web page where a physiotherapist makes one patient's copy without a terminal, and
`POST /api/handout`, the same request as JSON for a practice system.

Both go through the plan file's code (`config.exercise_plan`) and the same renderer as `build --plan`
(`build.matrix.render_personal`), so the page's PDF is the plan file's PDF byte for byte.

Patient data is handled as the command line handles it, and more strictly, since a browser is involved:
- nothing is written to disk and nothing is kept after the response: the PDF is made in memory and sent with
  `Cache-Control: no-store`; the download's file name is the document's, never the patient's;
- the log names the method, path and status only (the name travels in the POST body, never in a URL);
- a form post must carry the page's token and, when the browser says where it comes from (`Origin`,
  `Sec-Fetch-Site`), come from this page: another site cannot make the browser post here; the API accepts only
  `application/json`, which a cross-site form cannot send;
- requests are limited in size (`MAX_BODY`), and the server binds to 127.0.0.1 unless told otherwise;
- bad input is a message on the page (status 400) or `{"error": ...}` with status 400, naming the field.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, render_template, request

from handouts.build.matrix import personal_job, plan_job, render_personal, render_preview
from handouts.build.plan import BuildOptions
from handouts.config.clinic import Clinic
from handouts.config.exercise_plan import PlanFile, plan_from_data, resolve_plan
from handouts.config.layouts import PAPERS, layout_names, load_layout
from handouts.content.exercises import exercise_ids, exercise_languages, read_exercise, read_exercise_text
from handouts.content.languages import language_codes, load_language
from handouts.content.model import LEVELS
from handouts.content.reader import read_topic, topic_ids
from handouts.errors import HandoutsError, UsageError
from handouts.writers import writer_for

MAX_BODY = 64 * 1024        # a plan is a few hundred bytes; anything near this is not one
PDF = "application/pdf"
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "per_day")
DEFAULT_DOSE = {"sets": 2, "reps": 10, "hold_seconds": 0, "per_day": 1}
_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",   # not no-referrer: that makes a browser send `Origin: null` on posts
    "Cross-Origin-Opener-Policy": "same-origin",
}
# The page has no script at all; the preview (the HTML twin) may only be framed by the page itself.
_PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; "
             "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def create_app(content_dir: Path, layouts_dir: Path, clinic: Clinic | None = None) -> Flask:
    """The web page and API over one content and layouts tree (and, optionally, a clinic's branding)."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    token = secrets.token_urlsafe(32)   # per process: the page carries it, another site cannot read it
    options = BuildOptions(content_dir=content_dir, layouts_dir=layouts_dir, out_dir=Path("/nonexistent"),
                           clinic=clinic)

    @app.after_request
    def _headers(response: Response) -> Response:
        for key, value in _SECURITY_HEADERS.items():
            response.headers[key] = value
        response.headers.setdefault("Content-Security-Policy", _PAGE_CSP)
        return response

    @app.errorhandler(413)
    def _too_large(_exc) -> Response:
        message = f"the request is larger than {MAX_BODY // 1024} KiB; a plan is much smaller"
        if request.path.startswith("/api/"):
            return _json_error(message, 413)
        return _page(options, token, {}, message, 413)

    @app.get("/")
    def form() -> Response:
        return _page(options, token, request.args.to_dict(), None, 200)

    @app.get("/preview")
    def preview() -> Response:
        lang = request.args.get("lang", "en")
        topic = request.args.get("topic", "")
        level = request.args.get("level", "standard")
        if topic not in topic_ids(content_dir) or lang not in language_codes(content_dir) or level not in LEVELS:
            abort(404)
        try:
            data = render_preview(options, topic, lang, level)
        except HandoutsError as exc:
            return Response(f"<p>{_escape(exc.format_message())}</p>", status=400, mimetype="text/html")
        response = Response(data, mimetype="text/html")
        response.headers["Content-Security-Policy"] = _PREVIEW_CSP
        return response

    @app.post("/handout")
    def handout_form() -> Response:
        if not _same_origin() or not hmac.compare_digest(request.form.get("token", ""), token):
            return _page(options, token, {}, "this form can only be sent from its own page: reload the page and "
                                              "try again", 403)
        data = form_plan(request.form, exercise_ids(content_dir))
        try:
            pdf, filename = make_copy(options, data, where="form", password=request.form.get("password") or None)
        except (HandoutsError, UsageError) as exc:   # usage: a layout that cannot carry the copy
            return _page(options, token, request.form.to_dict(), exc.format_message(), 400)
        return _pdf(pdf, filename)

    @app.post("/api/handout")
    def handout_api() -> Response:
        if request.mimetype != "application/json":
            return _json_error("send the plan as JSON with Content-Type: application/json", 415)
        if request.headers.get("Origin") and not _same_origin():
            return _json_error("cross-site requests are refused", 403)
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return _json_error("the body is not a JSON object with the plan file's fields", 400)
        password = data.pop("password", None)
        if password is not None and (not isinstance(password, str) or not password):
            return _json_error("field 'password' should be a non-empty text, or be left out", 400)
        try:
            pdf, filename = make_copy(options, data, where="request", password=password)
        except (HandoutsError, UsageError) as exc:
            return _json_error(exc.format_message(), 400)
        return _pdf(pdf, filename)

    return app


def make_copy(options: BuildOptions, data: Any, *, where: str, password: str | None = None) -> tuple[bytes, str]:
    """One patient's copy from a plan's fields: the PDF's bytes and a file name that carries no name."""
    plan: PlanFile = plan_from_data(data, where=where)
    resolved = resolve_plan(plan, options.content_dir, where=where)
    options, job = plan_job(options, resolved)
    job = personal_job(options, resolved.personal, encrypt=bool(password), job=job)
    return render_personal(job, options, resolved.personal, password=password), Path(job.relpath).name


def form_plan(form, known: list[str]) -> dict[str, Any]:
    """The page's fields as a plan: checked exercises with their doses, numbers as numbers where they are."""
    plan: dict[str, Any] = {key: form.get(key, "") for key in ("topic", "lang", "level", "layout", "paper",
                                                                "patient", "clinician", "note")}
    plan["exercises"] = []
    for exercise_id in known:
        if form.get(f"ex-{exercise_id}") != "on":
            continue
        entry: dict[str, Any] = {"id": exercise_id}
        for name in DOSE_FIELDS:
            raw = form.get(f"{exercise_id}-{name}", "").strip()
            entry[name] = int(raw) if raw.isascii() and raw.lstrip("-").isdigit() else raw
        plan["exercises"].append(entry)
    return plan


def _same_origin() -> bool:
    """Whether the browser says the request comes from this page (a browser that says nothing is let through:
    the form's token still has to match)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/"):
        return False
    return True


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype=PDF)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json_error(message: str, status: int) -> Response:
    from flask import jsonify

    response = jsonify({"error": message})
    response.status_code = status
    return response


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _page(options: BuildOptions, token: str, values: dict[str, str], error: str | None, status: int) -> Response:
    """The form, filled with what was sent (except the password), in the chosen language's words and direction
    where it shows the patient's text."""
    content = options.content_dir
    codes = language_codes(content)
    lang = values.get("lang") if values.get("lang") in codes else ("en" if "en" in codes else codes[0])
    language = load_language(content, lang)
    level = values.get("level") if values.get("level") in LEVELS else "standard"
    topics = [Choice(t, read_topic(content, t).titles.get(lang) or read_topic(content, t).titles.get("en", t))
              for t in topic_ids(content)]
    topic = values.get("topic", topics[0].value if topics else "")
    layouts = [name for name in layout_names(options.layouts_dir)
               if (w := writer_for(load_layout(options.layouts_dir, name), "pdf")) and w.personal
               and w.kind != "trifold"]
    exercises = []
    for exercise_id in exercise_ids(content):
        exercise = read_exercise(content, exercise_id)
        has_lang = lang in exercise_languages(exercise)
        name = read_exercise_text(exercise, lang if has_lang else "en", level).name
        dose = {k: values.get(f"{exercise_id}-{k}", str(v)) for k, v in DEFAULT_DOSE.items()}
        exercises.append({"id": exercise_id, "name": name, "lang": lang if has_lang else "en",
                          "checked": values.get(f"ex-{exercise_id}") == "on", "dose": dose,
                          "available": has_lang})
    languages = [Choice(code, load_language(content, code).native_name) for code in codes]
    html = render_template(
        "form.html", token=token, error=error, values=values, lang=lang,
        dir="rtl" if language.rtl else "ltr", languages=languages, topics=topics, topic=topic, level=level,
        levels=LEVELS, layouts=layouts, layout=values.get("layout", "leaflet"), papers=list(PAPERS),
        paper=values.get("paper", "a4"), exercises=exercises, dose_fields=DOSE_FIELDS)
    return Response(html, status=status, mimetype="text/html")


_REQUEST_LINE = re.compile(r"(?P<method>[A-Z]+) (?P<path>[^?\s]*)\?\S* (?P<version>HTTP/[\d.]+)")


class _NoNames(logging.Filter):
    """Request log lines carry method, path and status; a query string is dropped in case one ever holds data."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_REQUEST_LINE.sub(r"\g<method> \g<path> \g<version>", a) if isinstance(a, str) else a
                                for a in record.args)
        return True


def serve(app: Flask, host: str, port: int) -> None:
    """Run the page with werkzeug's server, one request at a time (rendering keeps per-process caches)."""
    from werkzeug.serving import run_simple

    logging.getLogger("werkzeug").addFilter(_NoNames())
    run_simple(host, port, app, threaded=False, use_reloader=False, use_debugger=False)
