"""One module per check; each returns a CheckResult for every pair it is given."""
