"""Small building blocks every screen shares: tables, form dialogs, field errors, icons, background work."""
