"""The stream: the Faust app of a worker (app.py) and its agents (agents.py), wiring the stages onto
Kafka topics."""
