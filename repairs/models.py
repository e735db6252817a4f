"""Repair work orders, the paid-repair price list and SLA clocks."""
