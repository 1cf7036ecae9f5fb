"""Running the stack on a checkout: `make run`, the tests' stacks, their processes."""
