"""Where the project lives on disk: the one place project paths are computed."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
# Where synth writes, relative to the project root: cdktf's default output folder,
# which cdktf.json leaves as it is.
SYNTH_OUTDIR = Path("cdktf.out")
