"""The transport-agnostic dialogue: events in, actions out."""
