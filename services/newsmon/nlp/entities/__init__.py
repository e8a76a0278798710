"""newsmon_entities: PER, LOC and ORG spans from the watchlist, the gazetteer, person and district
rules, merged with a trained model's entities where one ran (recognizer.py)."""
