"""`make profile`: where the Rasa server's time goes under concurrent calls (py-spy).

Starts Duckling, the action server and the project's Rasa server on free ports, places
`make bench`'s scripted calls from 40 callers at once, and samples the Rasa server with
py-spy meanwhile. Prints the share of the samples in each part of a turn (a sample in
several parts counts in each) and the functions most often on top of the stack; the
raw stacks stay in the file it names, for a flame graph.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tools.bench.calls import measured_environment, place_calls, started, url_of
from tools.runner.processes import Output
from tools.runner.stack import DEFAULT_MODEL, build_services

# Parts of a turn, each recognised by a frame on the stack: (function, the end or the
# start of its file's path; py-spy shows the project's files from the checkout).
PARTS = {
    # The project's store does its database work in threads of its own.
    "loading the tracker": (
        ("retrieve", "tracker_store.py"),
        ("retrieve", "cached_trackers.py"),
        ("_fresh", "cached_trackers.py"),
        ("_read", "cached_trackers.py"),
    ),
    "saving the tracker": (
        ("save", "tracker_store.py"),
        ("save", "cached_trackers.py"),
        ("_write", "cached_trackers.py"),
    ),
    "NLU graph": (("_parse_message_with_graph", "processor.py"),),
    # Rasa's blocking request, or the line's asked ahead (its waiting is no sample).
    "Duckling request": (
        ("_duckling_parse", "duckling_entity_extractor.py"),
        ("_fetch", "duckling_when_needed.py"),
    ),
    "prediction": (("_predict_next_with_tracker", "processor.py"),),
    "action server call": (("_run_action", "processor.py"),),
    "the project's channel": (("", "channels/"),),
}
FRAME = re.compile(r"(?P<function>[^;\s]+) \((?P<file>[^:]+):\d+\)")


def passes(stack: str, markers: tuple[tuple[str, str], ...]) -> bool:
    """Whether a frame of the stack (py-spy's `function (file:line)`) is one of `markers`."""
    for frame in FRAME.finditer(stack):
        for function, file in markers:
            path = frame["file"]
            if (not function or frame["function"] == function) and (
                path.endswith(file) or path.startswith(file)
            ):
                return True
    return False


def part_shares(stacks: dict[str, int]) -> dict[str, float]:
    """The share of samples whose stack passes through each part."""
    total = sum(stacks.values()) or 1
    return {
        part: sum(n for stack, n in stacks.items() if passes(stack, markers)) / total
        for part, markers in PARTS.items()
    }


def top_functions(stacks: dict[str, int], count: int = 12) -> list[tuple[str, float]]:
    """The functions most often at the top of the stack, with their share."""
    total = sum(stacks.values()) or 1
    leaves: Counter[str] = Counter()
    for stack, n in stacks.items():
        leaves[stack.rsplit(";", 1)[-1]] += n
    return [(leaf, n / total) for leaf, n in leaves.most_common(count)]


# Threads waiting for work, which py-spy cannot always tell from working.
WAITING = ("_worker (concurrent/futures/thread.py:81)", "wait (threading.py:")


def read_collapsed(path: Path) -> dict[str, int]:
    """py-spy's raw output (one `frame;frame;... count` line per distinct stack),
    without the threads that wait for work."""
    stacks: dict[str, int] = {}
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        leaf = stack.rsplit(";", 1)[-1]
        if stack and n.isdigit() and not leaf.startswith(WAITING):
            stacks[stack] = stacks.get(stack, 0) + int(n)
    return stacks


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--callers", type=int, default=40)
    cli.add_argument("--calls-each", type=int, default=3)
    cli.add_argument("--out", type=Path, default=Path("results/profile.txt"))
    cli.add_argument(
        "--idle", action="store_true", help="count waiting too (wall time, for one caller)"
    )
    args = cli.parse_args(argv)
    state = measured_environment("helpdesk-profile-")
    services = build_services(("duckling", "actions", "rasa"), dict(os.environ), DEFAULT_MODEL)
    output = Output(str(state / "services.log"), echo=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        for service in services:
            started(service, output)
        rasa = services[-1]
        assert rasa.process is not None
        token = os.environ.get("TWILIO_AUTH_TOKEN", "")
        place_calls(url_of(rasa), token, 1, 2)  # warm: first calls load lazily
        sampler = subprocess.Popen(
            [str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
             str(rasa.process.pid), "--format", "raw", "--rate", "200", "--nonblocking",
             "--output", str(args.out), *(["--idle"] if args.idle else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        load = place_calls(url_of(rasa), token, args.callers, args.calls_each)
        sampler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        sampler.wait(timeout=60)
    finally:
        for service in reversed(services):
            service.stop()
    stacks = read_collapsed(args.out)
    print(
        f"{args.callers} callers at once: {load.turns} turns, {load.per_second:.1f}/s, "
        f"p50 {load.p50 * 1000:.0f} ms; {sum(stacks.values())} samples of the Rasa server"
    )
    for part, share in part_shares(stacks).items():
        print(f"  {part:<24}{share:6.1%}")
    print("On top of the stack most often:")
    for leaf, share in top_functions(stacks):
        print(f"  {share:6.1%}  {leaf}")
    print(f"Raw stacks: {args.out} (flame graph: py-spy's --format raw, e.g. flamegraph.pl)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
