"""The PySide6 desktop app: thin model/view screens over the services."""
