"""Plain dataclasses, enums and errors shared by every layer. Standard library only."""
