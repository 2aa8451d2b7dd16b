"""Update rounds' pages: the contributor's section (contribute.py), the maintainer's review
(review.py), and what both share (common.py)."""
