"""Entry point of the frozen build: the same `counter-app` command line as the installed one."""

import sys

from counter_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
