"""MDT meetings: the list, the planner, the meeting room, decisions, minutes and boards."""
