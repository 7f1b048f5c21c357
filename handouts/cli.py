"""The `handouts` command. Thin: parse options, call one function, report.

Heavy modules (reportlab, fonts) are imported inside the commands so that `--help` and `list` answer at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from handouts import __version__
from handouts.paths import default_content_dir, default_layouts_dir

LEVEL_CHOICES = ("easy", "standard", "detailed")


def content_option(f):
    return click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help="Content tree to read (default: the project's content/).")(f)


def matrix_options(f):
    """--topic, --lang and --level: which documents a command works on (each repeatable, default: all)."""
    f = click.option("--level", "levels", multiple=True, type=click.Choice(LEVEL_CHOICES),
                     help="Reading level (repeatable; default: all available).")(f)
    f = click.option("--lang", "langs", multiple=True,
                     help="BCP 47 language code, e.g. en, es, zh-Hans (repeatable; default: all).")(f)
    return click.option("--topic", "topics", multiple=True, help="Topic id (repeatable; default: all).")(f)


def layouts_option(f):
    return click.option("--layouts", "layouts_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help="Layouts tree to read (default: the project's layouts/).")(f)


# What a build imports, and the packages those imports run: imported through the disk cache of what importing
# compiles (regular expressions, dataclass methods; handouts.importcache) before the first command that renders.
_PIPELINE = ("handouts.build.matrix", "handouts.build.inputs", "handouts.build.shard", "handouts.pdf.render",
             "handouts.pdf.exercises", "handouts.pdf.formcache", "handouts.figures", "handouts.text.hyphenation",
             "reportlab.graphics.renderPDF")
_PIPELINE_LIBRARIES = ("reportlab", "PIL", "uharfbuzz", "pyphen")
_PIPELINE_PACKAGES = (*_PIPELINE_LIBRARIES, "handouts.content", "handouts.config", "handouts.text", "handouts.figures",
                      "handouts.document", "handouts.pdf", "handouts.post", "handouts.writers", "handouts.record",
                      "handouts.build")


def _import_pipeline() -> None:
    """The pipeline's modules, imported through the disk cache; then everything alive (the modules and what they
    made, kept for the life of the process) is moved out of the garbage collector's reach (gc.freeze), so that
    its later passes in the render, and in forked workers, walk only what the documents make: 5 ms of a cold
    one-leaflet build, for a few hundred objects of import-time garbage never freed. Only by the call that
    imports them: a process that builds again (a test session, a library caller) may by then hold garbage of
    its own, which a freeze would keep forever."""
    import gc

    from handouts.importcache import import_cached

    importing = not all(name in sys.modules for name in _PIPELINE)
    import_cached(*_PIPELINE, packages=_PIPELINE_PACKAGES, libraries=_PIPELINE_LIBRARIES,
                  lazy=("PIL.Image", "uharfbuzz"))
    if importing:
        gc.freeze()


class _Group(click.Group):
    """Turns an unexpected exception into one line (the traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        from handouts.interrupts import Terminated, sigterm_raises

        try:
            with sigterm_raises():
                return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (`handouts list | head`): not an error worth a message.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(0) from None
        except KeyboardInterrupt as exc:
            # 128 + the signal's number, as a shell reports it: a pipeline can tell a stop from a failure
            builds = ctx.invoked_subcommand == "build" or ctx.info_name == "manifest"
            stop = click.ClickException(("stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted")
                                        + ("; finished files and the manifest are complete" if builds else ""))
            stop.exit_code = 143 if isinstance(exc, Terminated) else 130
            raise stop from None
        except Exception as exc:
            if ctx.meta.get("handouts.debug"):
                raise
            raise click.ClickException(f"internal error {type(exc).__name__}: {exc} "
                                       "(run with --debug for the traceback and report it)") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Build printable, illustrated patient leaflets from reviewed clinical content."""
    ctx.meta["handouts.debug"] = debug


@main.command()
@matrix_options
@click.option("--layout", "layouts", multiple=True, help="Layout name (repeatable; default: leaflet).")
@click.option("--paper", "papers", multiple=True, type=click.Choice(("a4", "letter")),
              help="Paper size (repeatable; default: every size the layout supports).")
@click.option("--format", "formats", multiple=True, type=click.Choice(("pdf", "html")),
              help="Output format (repeatable; default: pdf). html writes a self-contained web page per document.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Output directory.")
@click.option("--grayscale", is_flag=True, help="Gray colours of the same lightness, for black-and-white printers.")
@click.option("--bleed", default=None, metavar="LENGTH",
              help="For print shops: extend the page by LENGTH (e.g. 3mm) with trim/bleed boxes and crop marks.")
@click.option("--clinic", "clinic_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Clinic profile (YAML) to brand the leaflets with.")
@click.option("--jobs", "-j", type=click.IntRange(0), default=0,
              help="Worker processes (default 0: one per CPU core).")
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A physiotherapist's plan (YAML): one patient's copy with their exercises and doses.")
@click.option("--patient", default=None, help="Make one personalised copy for this patient (name on the cover).")
@click.option("--clinician", default=None, help="Personalised copy: who wrote the plan.")
@click.option("--note", default=None, help="Personalised copy: the clinician's note, shown as 'Your plan'.")
@click.option("--encrypt", is_flag=True,
              help="Personalised copy: protect with a password from $HANDOUTS_PDF_PASSWORD or a prompt.")
@click.option("--fhir", is_flag=True, help="Write a FHIR R4 DocumentReference beside each PDF (<file>.fhir.json).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first document that fails.")
@click.option("--force", is_flag=True,
              help="Rebuild documents whose inputs did not change; replace an existing personalised copy.")
@click.option("--prune", is_flag=True, help="Delete outputs of documents that no longer exist.")
@click.option("--shard", "shard_text", default=None, metavar="K/N",
              help="Build the K-th of N balanced, disjoint shares of the plan (a CI job matrix); the manifest names "
                   "the shard and the plan. Join the shards with `handouts manifest merge`.")
@click.option("--dry-run", is_flag=True, help="Print the plan (each document, its input hash, whether it would be "
                                              "built) without rendering or writing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report of what was built, skipped, failed.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Name every document as it is built or skipped, and the pages "
              "its layout could not make right (as check --pages).")
@content_option
@layouts_option
def build(topics, langs, levels, layouts, papers, formats, out_dir, grayscale, bleed, clinic_file, jobs, plan_file,
          patient, clinician, note, encrypt, fhir, fail_fast, force, prune, shard_text, dry_run, as_json, quiet,
          verbose, content_dir, layouts_dir) -> None:
    """Build leaflets into OUT/<topic>/<lang>/ and write OUT/manifest.json."""
    import os

    _import_pipeline()
    from handouts.build.matrix import BuildOptions, build as run_build, dry_run as run_dry, plan, prepare_fonts
    from handouts.build.shard import parse_shard, shard_jobs
    from handouts.config.clinic import load_clinic
    from handouts.config.layouts import parse_length

    shard = parse_shard(shard_text) if shard_text is not None else None
    personal = patient is not None or bool(clinician or note or encrypt)
    if (shard or dry_run) and (personal or plan_file is not None):
        raise click.UsageError(f"{'--shard' if shard else '--dry-run'} works on the matrix of leaflets: leave out "
                               "--plan, --patient, --clinician, --note and --encrypt")
    if personal and "html" in formats:  # refused before any work: a web page cannot carry the copy or a password
        given = [name for name, value in (("--patient", patient is not None), ("--clinician", clinician),
                                          ("--note", note), ("--encrypt", encrypt)) if value]
        raise click.UsageError(f"--format html cannot be combined with {', '.join(given)}: a personalised copy "
                               "is a PDF; leave out --format html")
    options = BuildOptions(
        content_dir=content_dir or default_content_dir(),
        layouts_dir=layouts_dir or default_layouts_dir(),
        out_dir=out_dir,
        topics=topics, langs=langs, levels=levels, layouts=layouts, papers=papers, formats=formats or ("pdf",),
        clinic=load_clinic(clinic_file) if clinic_file else None,
        jobs=jobs or (os.cpu_count() or 1),
        grayscale=grayscale,
        bleed=parse_length(bleed, where="--bleed") if bleed else 0.0,
        fhir=fhir,
    )
    if plan_file is not None:
        given = [name for name, value in (("--topic", topics), ("--lang", langs), ("--level", levels),
                                          ("--layout", layouts), ("--paper", papers), ("--format", formats),
                                          ("--patient", patient is not None), ("--clinician", clinician),
                                          ("--note", note), ("--prune", prune)) if value]
        if given:
            raise click.UsageError(f"--plan names the document and the patient itself: leave out {', '.join(given)}")
        _build_plan(options, plan_file, encrypt, quiet, force)
        return
    if personal:
        _build_personal(options, patient, clinician, note, encrypt, quiet, force)
        return
    matrix = plan(options)
    if dry_run:
        _print_dry_run(run_dry(options, force=force, jobs=matrix, shard=shard), as_json)
        return
    mine = shard_jobs(matrix, shard, options.content_dir) if shard else matrix
    total = len(mine)
    show_bar = not quiet and not verbose and not as_json and sys.stderr.isatty()
    # Before the bar starts: its estimate then times documents, not the one-off font preparation.
    prepare_fonts(options, mine, notice=None if quiet else lambda text: click.echo(text, err=True))

    def progress(job) -> None:
        if verbose:
            click.echo(f"  {job.relpath}", err=True)
        bar.update(1, job)

    with click.progressbar(length=total, label="Building", file=sys.stderr,
                           item_show_func=lambda j: j.relpath if j else "") if show_bar else _NoBar() as bar:
        report = run_build(options, progress=progress, fail_fast=fail_fast, force=force, prune=prune, jobs=matrix,
                           shard=shard)
    if as_json:
        import json

        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    elif verbose:
        _report_pages(options, report.built)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for failure in report.failed:
        click.echo(f"FAILED {failure['path']}: {failure['error']}", err=True)
    if not quiet:
        for path in report.stale:
            click.echo(f"{'removed' if prune else 'stale (use --prune to remove)'}: {path}", err=True)
        click.echo(f"Built {len(report.built)}, unchanged {len(report.skipped)}"
                   + (f", failed {len(report.failed)}" if report.failed else "") + f" document(s) in {out_dir}/"
                   + (f" (shard {shard})" if shard else ""), err=True)
    if report.failed:
        sys.exit(1)


def _report_pages(options, built: list[dict]) -> None:
    """`build --verbose`: for each PDF just built, the pages its layout could not make right (a last page under
    a third full that tighter spacing and smaller figures could not pull back, a stranded title, type under a
    floor), with the page and what to change, from the same check as `handouts check --pages`."""
    from handouts.check.pages import check_files
    from handouts.errors import HandoutsError

    for entry in built:
        path = options.out_dir / entry["path"]
        if path.suffix != ".pdf":
            continue
        try:
            problems = check_files([path], options.layouts_dir)
        except HandoutsError as exc:
            click.echo(f"  {entry['path']}: pages not checked: {exc.format_message()}", err=True)
            continue
        for problem in problems:
            click.echo(f"  {entry['path']}: page {problem.page}: {problem.rule}: {problem.message}", err=True)


def _print_dry_run(result: dict, as_json: bool) -> None:
    """`build --dry-run`: the plan as JSON, or one line per document."""
    if as_json:
        import json

        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    for document in result["documents"]:
        click.echo(f"{'build' if document['build'] else 'unchanged'} {document['path']}")
    todo = sum(document["build"] for document in result["documents"])
    click.echo(f"{todo} of {len(result['documents'])} document(s) would be built"
               + (f" (shard {result['shard']})" if "shard" in result else ""), err=True)


def _build_personal(options, patient, clinician, note, encrypt, quiet, force) -> None:
    from handouts.build.matrix import build_personal
    from handouts.config.personal import PersonalCopy

    if not patient or not patient.strip():
        raise click.UsageError("--clinician, --note and --encrypt make a personalised copy: give --patient too")
    password = None
    if encrypt:
        from handouts.post.encryption import password_from_env_or_prompt

        password = password_from_env_or_prompt()
    path = build_personal(options, PersonalCopy(patient.strip(), (clinician or "").strip(),
                                                (note or "").strip()), password=password, force=force)
    if not quiet:  # the patient's name stays out of logs: say what was made (its name is a hash), not for whom
        click.echo(f"Wrote 1 personalised copy: {path}"
                   + (" (password protected)" if password else ""), err=True)


def _build_plan(options, plan_file, encrypt, quiet, force) -> None:
    """`build --plan`: one patient's copy with their exercises, from a plan file."""
    from handouts.build.matrix import build_personal, plan_job, personal_job
    from handouts.config.exercise_plan import read_plan, resolve_plan

    resolved = resolve_plan(read_plan(plan_file), options.content_dir, where=plan_file)
    options, job = plan_job(options, resolved)
    personal_job(options, resolved.personal, encrypt=encrypt, job=job)   # refused before a password is asked
    password = None
    if encrypt:
        from handouts.post.encryption import password_from_env_or_prompt

        password = password_from_env_or_prompt()
    path = build_personal(options, resolved.personal, password=password, force=force, job=job)
    if not quiet:  # the patient's name stays out of logs: say what was made (its name is a hash), not for whom
        click.echo(f"Wrote 1 personalised copy with {len(resolved.personal.exercises)} exercise(s): {path}"
                   + (" (password protected)" if password else ""), err=True)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int, item=None) -> None:
        return None


@main.group(cls=_Group)
def manifest() -> None:
    """Work with build manifests (OUT/manifest.json)."""


@manifest.command(name="merge")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where the combined build goes (may be one of DIRS).")
def manifest_merge(dirs, out_dir) -> None:
    """Check that DIRS are the shards of one `build --shard K/N` plan, disjoint and complete, and write the
    combined manifest (and the shards' files, when OUT is not one of DIRS) into OUT."""
    from handouts.build.manifest_merge import merge_shards

    count = merge_shards(list(dirs), out_dir)
    click.echo(f"Merged {len(dirs)} shard(s): {count} document(s) in {out_dir}/", err=True)


@main.group(cls=_Group)
def fhir() -> None:
    """FHIR R4 hand-off of a build made with `build --fhir`."""


@fhir.command(name="bundle")
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where the Bundle goes (default: DIR/bundle.fhir.json).")
def fhir_bundle(out_dir, output) -> None:
    """Write one FHIR Bundle (type collection) of every DocumentReference in DIR's manifest, in manifest order."""
    from handouts.build.fhir_bundle import write_bundle

    path, count = write_bundle(out_dir, output)
    click.echo(f"Wrote a Bundle of {count} DocumentReference(s): {path}", err=True)


@main.command(name="list")
@content_option
@layouts_option
def list_(content_dir, layouts_dir) -> None:
    """List topics, languages, levels and layouts that exist."""
    from handouts.content.languages import language_codes
    from handouts.config.layouts import layout_names
    from handouts.content.reader import document_languages, document_levels, read_topic, topic_ids

    content = content_dir or default_content_dir()
    for topic_id in topic_ids(content):
        topic = read_topic(content, topic_id)
        click.echo(f"topic {topic_id}: {topic.titles.get('en', topic_id)} (version {topic.version})")
        for lang in document_languages(topic):
            click.echo(f"  {lang}: {', '.join(document_levels(topic, lang))}")
    click.echo(f"languages: {', '.join(language_codes(content))}")
    click.echo(f"levels: {', '.join(LEVEL_CHOICES)}")
    click.echo(f"layouts: {', '.join(layout_names(layouts_dir or default_layouts_dir()))}")


@main.command()
@click.option("--lang", default="en", show_default=True, help="Language of the names.")
@content_option
def exercises(lang, content_dir) -> None:
    """List the exercise library: id, name, picture per step, video, and the languages each is written in."""
    from handouts.content.exercises import exercise_ids, exercise_languages, read_exercise, read_exercise_text
    from handouts.content.languages import load_language

    content = content_dir or default_content_dir()
    load_language(content, lang)   # an unknown code is a usage error with a "did you mean"
    ids = exercise_ids(content)
    if not ids:
        raise click.ClickException(f"{content / 'exercises'}: no exercises (see 'Exercise library' in "
                                   "content/README.md)")
    for exercise_id in ids:
        exercise = read_exercise(content, exercise_id)
        languages = exercise_languages(exercise)
        if lang in languages:
            text = read_exercise_text(exercise, lang, "standard")
            name = text.name + (" (draft)" if text.status == "draft" else "")
        else:
            name = f"(not written in {lang})"
        video = ", video" if exercise.video else ""
        click.echo(f"{exercise_id}: {name} [{len(exercise.figures)} steps{video}; {', '.join(languages)}]")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default is this computer only; another address lets the network in.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--clinic", "clinic_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Clinic profile (YAML) to brand the copies with.")
@content_option
@layouts_option
def serve(host, port, clinic_file, content_dir, layouts_dir) -> None:
    """A local web page (and POST /api/handout) that makes one patient's copy, as build --plan does."""
    from handouts.config.clinic import load_clinic
    from handouts.web.app import create_app, serve as run

    app = create_app(content_dir or default_content_dir(), layouts_dir or default_layouts_dir(),
                     load_clinic(clinic_file) if clinic_file else None)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: other computers can reach the page; patient names travel "
                   "unencrypted over plain HTTP", err=True)
    click.echo(f"Open http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl-C stops)", err=True)
    run(app, host, port)


def _one_topic(content: Path, topic_id: str | None) -> str:
    """The topic a one-topic command works on: the one given, or the only one there is."""
    if topic_id is not None:
        return topic_id
    from handouts.content.reader import topic_ids

    ids = topic_ids(content)
    if len(ids) != 1:
        raise click.UsageError(f"there are {len(ids)} topics: give --topic (one of: {', '.join(ids) or 'none'})")
    return ids[0]


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the figure PDFs.")
@click.option("--topic", "topic_id", default=None, help="Topic id (may be left out when there is one topic).")
@click.option("--lang", default="en", show_default=True, help="Language of the labels.")
@content_option
@layouts_option
def figures(out_dir, topic_id, lang, content_dir, layouts_dir) -> None:
    """Write one PDF per figure, with this language's labels, for review."""
    from handouts.figures import DEFAULT_PALETTE, FIGURE_IDS
    from handouts.pdf.drawings import figure_style
    from handouts.figures.gallery import write_gallery
    from handouts.text.fonts import FontLibrary, font_chain
    from handouts.content.languages import load_language
    from handouts.content.reader import read_figure_texts, read_topic

    content = content_dir or default_content_dir()
    language = load_language(content, lang)
    topic_id = _one_topic(content, topic_id)
    texts = read_figure_texts(read_topic(content, topic_id), lang)
    missing = [fid for fid in FIGURE_IDS if fid not in texts]
    if missing:
        raise click.ClickException(f"{content / topic_id / lang / 'figures.yaml'}: no labels for "
                                   f"{', '.join(missing)} (add them, with their alt text)")
    chain = font_chain(FontLibrary(layouts_dir or default_layouts_dir()), language.body_font,
                       list(language.fallback_fonts), lang)
    style = figure_style(chain, language.rtl, DEFAULT_PALETTE)
    paths = write_gallery(out_dir, {fid: texts[fid].labels for fid in FIGURE_IDS}, style)
    click.echo(f"Wrote {len(paths)} file(s) into {out_dir}/", err=True)


@main.command()
@click.argument("kind", required=False,
                type=click.Choice(("layout", "fonts", "language", "topic", "figures", "clinic", "front-matter")))
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one KIND.schema.json per kind into this folder instead of printing.")
def schema(kind, out_dir) -> None:
    """Print the JSON Schema of a file kind (all kinds with -o), for editor autocompletion and checks."""
    from handouts.config.editor_schemas import KINDS, json_schema_text, schema_file_name

    kinds = [kind] if kind else list(KINDS)
    if out_dir is None:
        if len(kinds) > 1:
            raise click.UsageError("name one KIND to print, or give -o DIR to write them all")
        click.echo(json_schema_text(kinds[0]), nl=False)
        return
    from handouts.build.matrix import atomic_write

    for name in kinds:
        target = out_dir / schema_file_name(name)
        atomic_write(target, json_schema_text(name).encode("utf-8"))
        click.echo(str(target))


@main.command()
@click.option("--topic", "topic_id", default=None, help="Topic id (may be left out when there is one topic).")
@click.option("--lang", default="en", show_default=True, help="Language of the source text.")
@click.option("--level", type=click.Choice(LEVEL_CHOICES), default=None,
              help="Reading level (the block for a level file's front matter).")
@click.option("--figures", "figures_block", is_flag=True,
              help="The block for the top of a translation's figures.yaml instead (no --level).")
@content_option
def sources(topic_id, lang, level, figures_block, content_dir) -> None:
    """Print the `source:` block that records what a translation was made from: of a level file's sections
    (--level) or of the figure texts (--figures)."""
    from handouts.content.reader import figure_source_hashes, read_topic, source_hashes

    if figures_block == (level is not None):
        raise click.UsageError("give either --level LEVEL (a level file's sections) or --figures (figures.yaml)")
    content = content_dir or default_content_dir()
    topic = read_topic(content, _one_topic(content, topic_id))
    hashes = figure_source_hashes(topic, lang) if figures_block else source_hashes(topic, lang, level)
    click.echo("source:")
    for key, digest in hashes.items():
        click.echo(f"  {key}: {digest}")


@main.command()
@matrix_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (per-document results and a summary).")
@click.option("--pages", "pages", is_flag=True,
              help="Check the pages of built PDFs instead (FILE... or folders): stranded titles, empty pages, "
                   "last-page fill, type under the layout's floors.")
@click.option("--pdf", "pdfua", is_flag=True,
              help="Check built PDFs (FILE... or folders) against PDF/UA-1: tags, parent tree, headings, lists, "
                   "links, metadata, fonts; an encrypted file opens with $HANDOUTS_PDF_PASSWORD.")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@content_option
@layouts_option
def check(topics, langs, levels, as_json, pages, pdfua, files, content_dir, layouts_dir) -> None:
    """Check content (section ids, template variables, figures, links, stale translations, reading level,
    PEMAT-P/CDC items, jargon) and layouts; with --pages, the pages of built PDFs; with --pdf, their PDF/UA-1
    conformance."""
    if pdfua:
        _check_pdfua(pages, files, as_json)
        return
    if pages or files:
        _check_pages(pages, files, as_json, layouts_dir or default_layouts_dir())
        return
    from handouts.check.content import format_report, run_check

    report = run_check(content_dir or default_content_dir(), topics, langs, levels,
                       layouts_dir or default_layouts_dir())
    if as_json:
        click.echo(report.to_json())
    else:
        for line in format_report(report):
            click.echo(line)
    sys.exit(report.exit_code)


def _check_pages(pages: bool, files: tuple[Path, ...], as_json: bool, layouts_dir: Path) -> None:
    """`check --pages FILE...`: one line per problem (file, page, rule, what to change); exit 1 if any."""
    import json

    from handouts.check.pages import check_files

    if not pages or not files:
        raise click.UsageError("give --pages and the PDFs (or folders of PDFs) to check, e.g. "
                               "handouts check --pages output/")
    problems = check_files(files, layouts_dir)
    if as_json:
        click.echo(json.dumps([{"file": str(p.path), "page": p.page, "rule": p.rule, "message": p.message}
                               for p in problems], indent=2))
    else:
        for problem in problems:
            click.echo(problem.line())
        click.echo(f"{len(problems)} page problem(s)", err=True)
    sys.exit(1 if problems else 0)


def _check_pdfua(pages: bool, files: tuple[Path, ...], as_json: bool) -> None:
    """`check --pdf FILE...`: one line per PDF/UA finding (file, page, condition, what is wrong) and a summary;
    exit 1 if any, 2 for a file that is not a readable PDF."""
    import json
    import os

    from handouts.check.pdfua import check_paths, pdf_files
    from handouts.post.encryption import PASSWORD_ENV

    if pages or not files:
        raise click.UsageError("give --pdf and the PDFs (or folders of PDFs) to check, e.g. "
                               "handouts check --pdf output/ (--pages is a separate check)")
    findings = check_paths(files, os.environ.get(PASSWORD_ENV))
    if as_json:
        click.echo(json.dumps([{"file": str(path), "page": f.page, "condition": f.condition, "message": f.message}
                               for path, f in findings], indent=2))
    else:
        for path, finding in findings:
            click.echo(finding.line(path))
        failing = len({path for path, _ in findings})
        click.echo(f"{len(findings)} PDF/UA finding(s) in {failing} of {len(pdf_files(files))} file(s)", err=True)
    sys.exit(1 if findings else 0)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The packet PDF to write (replaced atomically).")
@click.option("--title", default=None, help="Title of the packet (default: the parts' titles joined by ' / ').")
@click.option("--encrypt", is_flag=True,
              help="Protect the packet with a password (AES-256) from $HANDOUTS_PDF_PASSWORD or a prompt.")
def merge(inputs, output, title, encrypt) -> None:
    """Join PDFs into one packet, each part's bookmarks under a bookmark named after the part."""
    from handouts.build.matrix import atomic_write
    from handouts.post.merge import is_tagged, merge_pdfs, read_part

    parts = [read_part(path) for path in inputs]  # all checked before anything is written
    password = None
    if encrypt:
        from handouts.post.encryption import password_from_env_or_prompt

        password = password_from_env_or_prompt()
    data = merge_pdfs(parts, title=title, paths=list(inputs))
    if password is not None:
        from handouts.post.encryption import encrypt_pdf

        data = encrypt_pdf(data, password)
    atomic_write(output, data)
    click.echo(f"Wrote {output} ({len(parts)} part(s))", err=True)
    for path, (_, part) in zip(inputs, parts):
        if not is_tagged(part):
            click.echo(f"Note: {path} is not tagged; its pages are in the packet without structure for screen "
                       "readers", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
