"""The `rasa` command, started so that a TensorFlow-free model loads in seconds.

Rasa 3.6 pins skops 0.9, which on first import looks up ~750 types in every module
already loaded. Once Rasa has imported TensorFlow that is thousands of modules and
takes about 8 s of the server's start; imported first, skops takes under 2 s. It also
installs the project's speed-ups of Rasa internals (tools/rasa_speedups.py).

TensorFlow 2.12, which Rasa 3.6 imports at start even for this TensorFlow-free
pipeline, imports JAX only to convert JAX models to TensorFlow Lite, which Rasa never
does, and goes on without it when the import fails. Kept out, the server's resident
memory is 67 MB lower (580 -> 513 MB once the model is loaded).
"""

import sys

sys.modules.setdefault("jax", None)  # type: ignore[arg-type]

import skops.io  # noqa: E402, F401  (imported for its side effect, before TensorFlow)
from rasa.__main__ import main  # noqa: E402

from tools import rasa_speedups  # noqa: E402

if __name__ == "__main__":
    rasa_speedups.install()
    sys.argv[0] = "rasa"
    main()
