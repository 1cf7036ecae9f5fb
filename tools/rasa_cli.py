"""The `rasa` command, started so that a TensorFlow-free model loads in seconds.

Rasa 3.6 pins skops 0.9, which on first import looks up ~750 types in every module
already loaded. Once Rasa has imported TensorFlow that is thousands of modules and
takes about 8 s of the server's start; imported first, skops takes under 2 s. It also
installs the project's speed-ups of Rasa internals (tools/rasa_speedups.py).
"""

import sys

import skops.io  # noqa: F401  (imported for its side effect, before TensorFlow)
from rasa.__main__ import main

from tools import rasa_speedups

if __name__ == "__main__":
    rasa_speedups.install()
    sys.argv[0] = "rasa"
    main()
