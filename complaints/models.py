"""Complaints and suggestions, and the five-clears workflow."""
