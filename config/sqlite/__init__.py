"""Django's SQLite backend, keeping the planner's statistics fresh (``base.DatabaseWrapper``).

Set as ``ENGINE: "config.sqlite"`` by the embedded settings."""
