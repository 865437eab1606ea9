"""The logic behind the ``lab`` subcommands, one module per command, without click.

Each module holds pure functions over the lab definition (and, for ``affected``, over
git; for ``docs``' policy reference, over OPA), so tests call them directly and
:mod:`lab.cli` stays a thin layer of options, output and exit codes. Nothing here imports
cdktf: these commands read the definition only and answer in well under a second, but for
``lab docs``, whose OPA traces of the Rego tests take a few.
"""
