"""The project's shared library: what the Rasa server, its NLU components and the action
server all use. It imports neither `actions` nor `channels`, so both servers can ship it."""
