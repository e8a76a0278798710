"""Sources of articles: files.py (files, folders, JSONL, stdin -> raw messages), publish.py (raw
messages -> news.articles.raw, resumable through seen.py's news.sources.seen) push.py (what a
POST /articles request asks to publish; the worker's view is newsmon/stream/push.py), and the web:
web.py (a polite HTTP client), pages.py (a page -> an article, `newsmon fetch`), feeds.py with
feeds_config.py and service.py (the feed poller, `newsmon sources`)."""
