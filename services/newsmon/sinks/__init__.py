"""Delivery of news.alerts to the tools an ops team watches: Prometheus Alertmanager (API v2) and a
JSON webhook, with retries, a bounded queue per sink and dead letters (see delivery.py)."""
