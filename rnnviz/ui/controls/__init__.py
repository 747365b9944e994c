"""The window's controls: model, task and training settings, and the transport bar."""
