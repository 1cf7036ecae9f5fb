"""Input and output channels of the assistant."""
