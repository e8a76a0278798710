"""The enrich stage: articles.py (normalized articles -> enriched records) and pool.py (the NLP
processes beside the worker's event loop)."""
