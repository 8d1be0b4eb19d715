"""Home: the day's work at a glance, and the worklist of cases."""
