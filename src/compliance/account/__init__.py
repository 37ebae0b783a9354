"""One account per contract: every amount an entry; every statement a view of it as of a date."""
