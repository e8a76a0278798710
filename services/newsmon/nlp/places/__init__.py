"""Places and names: the gazetteer (gazetteer.py), the watchlist (watchlist.py), name folding and
common words (names.py), and the rule that resolves a mention to one place (entries.py)."""
