"""The aws synth worker: ``python -m lab.worker`` runs the synth command in a second process.

``main.py`` starts it first thing (:mod:`lab.prestart`, ``--heavy``), or :mod:`lab.synth`
does when that one cannot serve, so that the aws stacks are built on a second core while the
parent builds the others; it takes the synth command's options and exits without interpreter
teardown.
"""

import sys

from lab.cli import run_synth

if __name__ == "__main__":
    run_synth(sys.argv[1:])
