"""`make bench`: pipeline.py (the whole pipeline on a real broker against a bare in-process loop) and
articles.py (the generated articles both measure, and the enrichment alone per core)."""
