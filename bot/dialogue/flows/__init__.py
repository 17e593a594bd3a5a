"""One module per flow; each exposes steps ``(turn) -> None``."""
