"""newsmon_facts: casualty and weapon counts read from the tokens (extractor.py)."""
