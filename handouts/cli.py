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


def layouts_option(f):
    return click.option("--layouts", "layouts_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help="Layouts tree to read (default: the project's layouts/).")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
def main() -> None:
    """Build printable, illustrated patient leaflets from reviewed clinical content."""


@main.command()
@click.option("--topic", "topics", multiple=True, help="Topic id (repeatable; default: all).")
@click.option("--lang", "langs", multiple=True, help="BCP 47 language code, e.g. en, es, zh-Hans (repeatable).")
@click.option("--level", "levels", multiple=True, type=click.Choice(LEVEL_CHOICES),
              help="Reading level (repeatable; default: all available).")
@click.option("--layout", "layouts", multiple=True, help="Layout name (repeatable; default: leaflet).")
@click.option("--paper", "papers", multiple=True, type=click.Choice(("a4", "letter")),
              help="Paper size (repeatable; default: every size the layout supports).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Output directory.")
@click.option("--clinic", "clinic_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Clinic profile (YAML) to brand the leaflets with.")
@click.option("--jobs", "-j", type=click.IntRange(0), default=0,
              help="Worker processes (default 0: one per CPU core).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first document that fails.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@content_option
@layouts_option
def build(topics, langs, levels, layouts, papers, out_dir, clinic_file, jobs, fail_fast, quiet, content_dir,
          layouts_dir) -> None:
    """Build leaflets into OUT/<topic>/<lang>/ and write OUT/manifest.json."""
    import os

    from handouts.build import BuildOptions, build as run_build, plan
    from handouts.clinic import load_clinic

    options = BuildOptions(
        content_dir=content_dir or default_content_dir(),
        layouts_dir=layouts_dir or default_layouts_dir(),
        out_dir=out_dir,
        topics=topics, langs=langs, levels=levels, layouts=layouts, papers=papers,
        clinic=load_clinic(clinic_file) if clinic_file else None,
        jobs=jobs or (os.cpu_count() or 1),
    )
    total = len(plan(options))
    show_bar = not quiet and sys.stderr.isatty()
    with click.progressbar(length=total, label="Building", file=sys.stderr,
                           item_show_func=lambda j: j.relpath if j else "") if show_bar else _NoBar() as bar:
        report = run_build(options, progress=lambda job: bar.update(1, job), fail_fast=fail_fast)
    for failure in report.failed:
        click.echo(f"FAILED {failure['path']}: {failure['error']}", err=True)
    if not quiet:
        click.echo(f"Built {len(report.built)} document(s) into {out_dir}/"
                   + (f"; {len(report.failed)} failed" if report.failed else ""), err=True)
    if report.failed:
        sys.exit(1)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int, item=None) -> None:
        return None


@main.command(name="list")
@content_option
@layouts_option
def list_(content_dir, layouts_dir) -> None:
    """List topics, languages, levels and layouts that exist."""
    from handouts.languages import language_codes
    from handouts.layouts import layout_names
    from handouts.reader import document_languages, document_levels, read_topic, topic_ids

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
@click.option("--topic", "topic_id", default="back-mouse", show_default=True, help="Topic id.")
@click.option("--lang", default="en", show_default=True, help="Language of the source text.")
@click.option("--level", type=click.Choice(LEVEL_CHOICES), required=True, help="Reading level.")
@content_option
def sources(topic_id, lang, level, content_dir) -> None:
    """Print the `source:` front matter block that records what a translation was made from."""
    from handouts.reader import read_topic, source_hashes

    topic = read_topic(content_dir or default_content_dir(), topic_id)
    click.echo("source:")
    for section_id, digest in source_hashes(topic, lang, level).items():
        click.echo(f"  {section_id}: {digest}")


if __name__ == "__main__":  # pragma: no cover
    main()
