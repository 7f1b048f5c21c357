"""`python -m handouts`. The command's own imports (click, the command tree) run with the cyclic garbage
collector paused, as the pipeline's do (importcache.collection_paused: it would only walk objects that live as
long as the process); not through importcache itself, which `handouts --help` need not load."""

import gc

_enabled = gc.isenabled()
gc.disable()
try:
    from handouts.cli import main
finally:
    if _enabled:
        gc.enable()

main()
