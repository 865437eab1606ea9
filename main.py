"""The CDKTF app entry point (`cdktf.json` runs it): synthesize the lab into cdktf.out/.

    python main.py [--stack ID] [--check] [--outdir cdktf.out] [--config lab.yaml]
                   [--experiments experiments/]

All logic lives in the `lab` package; see `lab/cli.py`.
"""

import sys

from lab.cli import run_synth

if __name__ == "__main__":
    run_synth(sys.argv[1:])
