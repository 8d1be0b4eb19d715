"""The Audit tab: the board's quality figures for a period, with charts that open their cases."""
