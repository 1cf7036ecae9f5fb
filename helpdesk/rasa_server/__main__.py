"""`python -m helpdesk.rasa_server`: the `rasa` command with the server's workarounds.

Rasa's own command line, started after `startup_imports` (skops before TensorFlow, no
JAX) and with the speed-ups of Rasa internals installed (`speedups`). `make run`, the
Dockerfile's entry point and the test stacks start Rasa this way.
"""

import sys

import helpdesk.rasa_server.startup_imports  # noqa: F401  (before anything imports Rasa)
from helpdesk.rasa_server import speedups

if __name__ == "__main__":
    from rasa.__main__ import main

    speedups.install()
    sys.argv[0] = "rasa"
    main()
