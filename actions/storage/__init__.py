"""The action server's tables: their schema, versioned migrations and the database
that holds them (helpdesk.database chooses it)."""
