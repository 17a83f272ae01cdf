"""Evaluator models behind small seams; real ones load from the hub or a folder, tiny ones are built here."""
