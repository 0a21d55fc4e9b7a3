"""Setting up a site: bootstrap, staff groups, demo accounts (the top layer)."""
