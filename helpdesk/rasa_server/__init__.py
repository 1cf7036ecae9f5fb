"""What only the Rasa server runs: its entry point, the workarounds of Rasa 3.6
internals (each a module that names what it replaces and checks the Rasa release),
the tracker and lock stores of endpoints.yml, and how long conversations are kept.

Nothing here is imported by the action server; nothing here imports `channels`.
"""
