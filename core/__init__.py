"""What several apps share: the row helpers behind single-statement writes. Imports no app."""
