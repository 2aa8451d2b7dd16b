"""The status map page's pieces."""
