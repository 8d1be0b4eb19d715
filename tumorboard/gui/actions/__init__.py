"""Actions across meetings: what boards agreed, by owner and due date, marked done."""
