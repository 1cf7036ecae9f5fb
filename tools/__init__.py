"""Developer tools: the local Duckling server and the stack runner."""
