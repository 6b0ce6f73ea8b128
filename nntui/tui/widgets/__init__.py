"""The monitor's panels: one widget per file, each fed plain data by the app."""
