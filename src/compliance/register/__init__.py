"""The statement register: issued statements, numbered, immutable, approved, corrected or
voided, each action written to a hash-chained audit log; in SQLite by default, in PostgreSQL
when ``COMPLIANCE_DB`` names one."""
