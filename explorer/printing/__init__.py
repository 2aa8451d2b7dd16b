"""Everything that produces HTML, SVG or CSS for printing or download."""
