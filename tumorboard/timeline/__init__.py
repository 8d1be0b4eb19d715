"""The case timeline without a toolkit: what it shows (model), the date axis (axis) and where
everything goes (layout). The screen (gui.timeline) paints it with Qt, the minutes
(reports.timeline_drawing) with ReportLab: one picture, drawn by two painters."""
