"""newsmon_topics: IPTC Media Topics from term rules kept as data (rules.py compiles them, scorer.py
scores a document), with a trained classifier for Indonesian soft news (classifier.py)."""
