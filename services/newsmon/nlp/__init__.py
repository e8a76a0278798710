"""Enrichment of news articles: language, entities with places, IPTC topics and casualty facts.

Rule-based and offline: blank spaCy pipelines (`spacy.blank`) with newsmon's own components and the
data files in `data/`. Entry points: `language.detect_language` and `enricher.Enricher`.
"""
