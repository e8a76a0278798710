"""newsmon_topics: IPTC Media Topics from term rules kept as data (scorer.py), with a trained
classifier for Indonesian soft news (classifier.py)."""
