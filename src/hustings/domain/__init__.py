"""The vocabulary of elections: frozen dataclasses and enums, pure Python, stdlib only."""
