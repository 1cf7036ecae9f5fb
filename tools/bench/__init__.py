"""Benchmarks: the stack against Rasa's own channel, and NLU accuracy."""
