"""Public benchmark instances (plain data next to their readers)."""
