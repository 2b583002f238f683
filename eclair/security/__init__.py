"""Security: the action gate (allow-list, approvals); masking of secrets."""
