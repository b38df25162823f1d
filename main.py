"""Synthesizes every stack from the config that SESSION_LOGS_CONFIG names.

Exit status: 0 written, 2 the config is invalid, 1 synthesis failed. In either
failure nothing under the output folder changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from config import ConfigError, config_path_from_env, load_config
from project import SYNTH_OUTDIR
from synth.jsii_cache import provider_index_exists, wait_for_provider_index
from synth.provider_import import import_provider_package

# Node 20 is past its end of life for jsii; the warning is not actionable for
# users of this project and would otherwise fill every synth with a banner.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# The cdktf CLI sets this when it runs the app (cdktf deploy, cdktf diff) so
# that a synth with error annotations still writes its output. Here a failed
# policy check must stop the synth and leave the output alone, as under
# `make synth`; cdktf then reports the failed synth and deploys nothing.
os.environ.pop("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", None)


def main() -> int:
    try:
        config = load_config(config_path_from_env())
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    cache_was_warm = provider_index_exists()
    import_provider_package()
    # Imported only now: a bad config fails in well under a second this way.
    from stacks.app import SynthError, synthesize

    outdir = Path(os.environ.get("CDKTF_OUTDIR") or SYNTH_OUTDIR)
    try:
        synthesize(config, outdir)
    except SynthError as error:
        print(f"synth stopped, {outdir} left as it was:\n{error}", file=sys.stderr)
        return 1
    print(
        f"synthesized {', '.join(sorted(p.name for p in (outdir / 'stacks').iterdir()))} "
        f"into {outdir}/stacks"
    )
    if not cache_was_warm:
        # jsii's index worker dies with this process; waiting once here makes
        # every later synth warm (synth/jsii_cache.py says why).
        print("waiting for jsii to finish its runtime index, once", file=sys.stderr)
        wait_for_provider_index()
    return 0


if __name__ == "__main__":
    sys.exit(main())
