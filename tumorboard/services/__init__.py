"""Use cases over the store: one unit of work per user action, small results, no ORM objects.

The GUI and the CLI are peers over these services.
"""
