"""Renderers: a complete scene in, images out."""
