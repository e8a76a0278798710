"""newsmon_topics: IPTC Media Topics from term rules kept as data (rules.py compiles them, scorer.py
scores a document), with trained classifiers for Indonesian and English (classifier.py), combined
by classifier.combine."""
