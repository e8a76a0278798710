"""Development tools, never imported by the runtime: the local Kafka broker (local_kafka/), the
one-machine monitor `newsmon run` (run.py) and how it stops on signals (stopping.py), the
benchmark (bench/), the accuracy tables (evaluation/) and the model training (training/)."""
