"""Output folders (written atomically, marked as sim's), files and charts."""
