"""The viewer's windows, widgets, actions and settings (Qt Widgets)."""
