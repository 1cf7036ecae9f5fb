"""Harnesses that put the stack under hostile input, faults and load: fuzz, chaos, soak."""
