"""The demo board, over HTTP against its own process (tests/board.py)."""
