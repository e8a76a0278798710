"""Sources of articles: files.py (files, folders, JSONL, stdin -> raw messages), publish.py (raw
messages -> news.articles.raw, resumable through seen.py's news.sources.seen) and push.py (what a
POST /articles request asks to publish; the worker's view is newsmon/stream/push.py)."""
