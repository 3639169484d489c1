"""The read side: a whole map loaded once into plain read-only objects, and what is computed from it."""
