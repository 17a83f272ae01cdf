"""The `deig` command line."""
