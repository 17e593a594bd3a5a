"""PLACEHOLDER: the `gridvoice` commands of the privacy feature."""

from __future__ import annotations

import argparse


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this feature's commands to the `gridvoice` parser."""
