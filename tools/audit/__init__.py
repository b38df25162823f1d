"""`make audit`: who opened a session or RDP connection, from the access index."""
