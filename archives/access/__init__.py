"""Archive access and confidentiality (R-ACC-01…06): access requests and their grants, the
access log screen, revealing personal data, the printable archive sheet, retention and
destruction. The access rules themselves live in archives.rules, the door in crm.permissions.
"""
