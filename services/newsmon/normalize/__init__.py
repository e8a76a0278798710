"""The normalize stage: parse.py (bytes -> RawArticle or Rejected), text.py (clean text, fingerprint),
article.py (the stage for one message: a NormalizedArticle or a dead letter), dedup.py (the
duplicate rule)."""
