"""The one training loop: config → data + network → events."""
