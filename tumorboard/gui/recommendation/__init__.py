"""The recommendation pane: the engine's advice rendered as text and HTML (decision support)."""
