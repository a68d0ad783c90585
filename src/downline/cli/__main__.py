"""``python -m downline.cli``: the same as the ``downline`` command."""

from downline.cli import main

main()
