"""`python -m tools.with_environment MODULE ARGS...`: runs an operator's command on a
checkout, with unset variables filled from `.env` and then `example.env`.

The commands themselves (helpdesk.rasa_server.forget_conversations, actions.operator.*) read only
the environment they are given, as in the images; this is the developer's way in
(`make forget`, `make outage`).
"""

from __future__ import annotations

import runpy
import sys

from tools.checkout import load_environment

if __name__ == "__main__":
    load_environment()
    module, arguments = sys.argv[1], sys.argv[2:]
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
