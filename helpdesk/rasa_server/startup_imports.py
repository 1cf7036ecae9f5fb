"""Workaround: Rasa 3.6 starts slowly and large because of what it imports first.

Rasa 3.6 pins skops 0.9, which on first import looks up ~750 types in every module
already loaded. Once Rasa has imported TensorFlow that is thousands of modules and
takes about 8 s of the server's start; imported first, skops takes under 2 s.

TensorFlow 2.12, which Rasa 3.6 imports at start even for this TensorFlow-free
pipeline, imports JAX only to convert JAX models to TensorFlow Lite, which Rasa never
does, and goes on without it when the import fails. Kept out, the server's resident
memory is 67 MB lower (580 -> 513 MB once the model is loaded).

Import this module before anything imports Rasa.
"""

import sys

sys.modules.setdefault("jax", None)  # type: ignore[arg-type]

import skops.io  # noqa: E402, F401  (imported for its side effect, before TensorFlow)

from helpdesk.rasa_server.rasa_version import written_for  # noqa: E402

written_for("3.6", __name__)
