"""Models of this domain arrive with its issue."""
