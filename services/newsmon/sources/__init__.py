"""Sources of articles: files.py (files, folders, JSONL, stdin -> raw messages) and publish.py
(raw messages -> news.articles.raw)."""
