"""Operators' commands that run in the action server's image, on its environment."""
