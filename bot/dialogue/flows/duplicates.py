"""PLACEHOLDER for the duplicates flow: COMMANDS, STEPS and BUTTONS merged into the engine."""

from __future__ import annotations

from collections.abc import Callable

from bot.dialogue.turn import Turn

COMMANDS: dict[str, Callable[[Turn, str], None]] = {}
"""Slash commands this flow handles: /name → handler(turn, rest of the line)."""
STEPS: dict[str, Callable[[Turn], None]] = {}
"""Conversation states this flow owns → the step that handles the next event."""
BUTTONS: dict[str, Callable[[Turn], None]] = {}
"""Button data prefixes (with the colon, e.g. "fg:") → the step that handles the press."""
