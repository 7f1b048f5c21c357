"""Keep every path that comes from data inside its root.

Paths read from a manifest, a content tree, a layouts tree or a clinic profile are data that someone else may
have written: a planted `manifest.json` with `/etc/passwd` or `../x`, a shared content repository with a
symlinked topic folder. Each such path is resolved (symlinks followed) and must land inside its root, else it is
refused with an error naming where it came from. So `--prune` can never delete, and a build never reads or
writes, a file outside the tree it was pointed at.
"""

from __future__ import annotations

from pathlib import Path

from handouts.errors import ContentError, HandoutsError


def is_inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every symlink followed, is `root` or below it (`path` need not exist)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop, an unreadable component: not provably inside
        return False


def confined(root: Path, relpath: str | Path, *, what: str, source: Path | str | None = None,
             error: type[HandoutsError] = ContentError, hint: str | None = None) -> Path:
    """`root / relpath`, refused unless it stays inside `root`.

    `what` says what the path is ("manifest entry", "topic folder") and `source` is the file that named it; both
    go into the one-line error. An absolute `relpath` replaces `root` when joined and is therefore refused like
    `../`.
    """
    text = str(relpath)
    path = root / text
    if "\0" in text or not text or not is_inside(root, path):
        raise error(f"{what} {text!r} is outside {root}", path=source,
                    hint=hint or "paths must stay inside their folder; remove the entry or the symlink")
    return path
