import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from support import SCHEMAS

from newsmon import topics
from newsmon.contracts import schema_for, schema_path
from newsmon.records import RECORD_BY_TOPIC

EXAMPLES = SCHEMAS / "examples"


@pytest.mark.parametrize("topic", sorted(RECORD_BY_TOPIC))
def test_contracts_committed_schema_matches_the_record_model(topic):
    committed = json.loads(schema_path(SCHEMAS, topic).read_text())
    assert committed == schema_for(topic), f"schemas/ is stale: run `make schemas` ({topic})"


@pytest.mark.parametrize("topic", sorted(RECORD_BY_TOPIC))
def test_contracts_schema_is_valid_draft_2020_12(topic):
    schema = json.loads(schema_path(SCHEMAS, topic).read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_contracts_every_public_topic_has_a_schema_and_examples():
    for topic in (topics.RAW, topics.ENRICHED, topics.ALERTS, topics.DEADLETTER, topics.SPIKES):
        assert schema_path(SCHEMAS, topic).is_file()
        assert list((EXAMPLES / topic).glob("valid_*.json")), f"no valid example for {topic}"


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*/*.json"))


@pytest.mark.parametrize("path", example_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_contracts_examples_pass_or_fail_as_named(path):
    validator = Draft202012Validator(json.loads(schema_path(SCHEMAS, path.parent.name).read_text()))
    errors = list(validator.iter_errors(json.loads(path.read_text())))
    if path.name.startswith("valid_"):
        assert not errors, errors[0].message
    else:
        assert path.name.startswith("invalid_") and errors, f"{path.name} should break the schema"


@pytest.mark.parametrize("path", [p for p in example_files() if p.name.startswith("valid_")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_contracts_valid_examples_round_trip_through_the_record(path):
    record = RECORD_BY_TOPIC[path.parent.name].model_validate_json(path.read_bytes())
    assert record.to_json_dict() == json.loads(path.read_text())
