"""Custom actions of the helpdesk assistant, served by `rasa run actions`."""
