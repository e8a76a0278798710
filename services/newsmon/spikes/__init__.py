"""Spikes: keys (places, entities, topics) mentioned far more in a time window than in the windows
before it, Europe Media Monitor's breaking-news method (detect.py), on the keys of each article (keys.py)."""
