"""``python -m backcoach`` runs the command line."""

from backcoach.cli.app import main

main()
