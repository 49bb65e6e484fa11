"""``migrate verify``: run a legacy config and its conversion side by side."""
