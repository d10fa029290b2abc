"""``python -m flarewise ...``: the same as the ``flarewise`` script, for a checkout used without
installing it (the way the project's own notes run it: ``PYTHONPATH=src python -m flarewise``)."""

from flarewise.cli import main

if __name__ == "__main__":
    main()
