"""The alert stage: rules.py (the rules and `evaluate`) and content.py (what an alert says)."""
