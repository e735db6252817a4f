"""Customer archives: customers, units occupied, profile templates, ownership, access grants."""
