"""compliance: settle 12345 (接诉即办) service contracts clause by clause."""
