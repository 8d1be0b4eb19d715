"""The patient timeline: its model, axis, layout and the widget that paints it."""
