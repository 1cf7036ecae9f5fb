"""Test plumbing, not tests: stacks, servers and calls the tests run against."""
