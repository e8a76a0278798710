"""Enrichment of news articles: language, entities with places, IPTC topics and casualty facts.

Offline: spaCy pipelines built by `enricher.Enricher` from newsmon's components (entities/, topics/,
facts/, with places/ beneath them), the data files in `data/` and the trained models in `models/`.
The other entry point is `language.detect_language`.
"""
