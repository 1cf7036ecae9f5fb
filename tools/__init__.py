"""Developer tooling, never shipped: no image copies it and no shipped module imports
it (tests/test_layers.py, tests/test_images.py). Grouped by purpose: runner (the
stack on a checkout), fakes (servers that stand in), phone (the Twilio side), harness
(fuzz, chaos, soak), bench, speech (phone lines in software)."""
