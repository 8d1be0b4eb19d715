"""The main window's commands, one module per area of work (cases, meetings, files, worklist,
database health); ``gui.main_window`` builds the window and inherits them all."""
