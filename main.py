"""The CDKTF app entry point (`cdktf.json` runs it): synthesize the lab into cdktf.out/.

    python main.py [--stack ID] [--check] [--outdir cdktf.out] [--config lab.yaml]
                   [--experiments experiments/]

All logic lives in the `lab` package; see `lab/cli.py`.
"""

import sys

from lab import prestart

if __name__ == "__main__":
    prestart.start(sys.argv[1:])  # the aws stacks' process, before anything is imported here
    from lab.cli import run_synth

    run_synth(sys.argv[1:])
