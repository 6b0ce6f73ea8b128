"""``python -m nntui`` runs the same command as the ``nntui`` script."""

import sys

from nntui.cli import main

if __name__ == "__main__":
    sys.exit(main())
