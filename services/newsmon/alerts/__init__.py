"""The alert stage: the rules file (default_rules.yaml, rule_models.py, rules_file.py), the event view
the rules look at (view.py, timing.py), evaluate_rules (engine.py), and rules.py's `evaluate`, which
turns an enriched article into one alert per rule that holds (content.py: what an alert says)."""
