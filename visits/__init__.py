"""Visits and follow-ups: visit plans and logs, follow-up plans, greetings, surveys, events."""
