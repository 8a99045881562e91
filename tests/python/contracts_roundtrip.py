"""Data contracts through Confluent's Python client: a schema registered with metadata and a
rule set, the config's default and override metadata, compatibility groups, and the
latest-with-metadata lookup that `use.latest.with.metadata` serializers make.

Usage: contracts_roundtrip.py BASE_URL
"""

import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.schema_registry_client import (
    Metadata,
    MetadataProperties,
    Rule,
    RuleKind,
    RuleMode,
    RuleSet,
    Schema,
    ServerConfig,
    SchemaRegistryError,
)


def record(name, fields):
    return json.dumps({"type": "record", "name": name, "fields": fields})


def metadata(**properties):
    return Metadata(tags=None, properties=MetadataProperties(properties), sensitive=None)


def main(base):
    client = SchemaRegistryClient({"url": base})
    subject = "payments-value"
    positive = Rule(
        name="positive",
        doc="amounts are positive",
        kind=RuleKind.CONDITION,
        mode=RuleMode.WRITE,
        type="CEL",
        tags=None,
        params=None,
        expr="message.amount > 0",
        on_success=None,
        on_failure="ERROR",
        disabled=False,
    )
    v1 = record("Payment", [{"name": "amount", "type": "double"}])
    first = client.register_schema_full_response(
        subject,
        Schema(v1, "AVRO", metadata=metadata(major="1", owner="payments"),
               rule_set=RuleSet(migration_rules=None, domain_rules=[positive])),
    )
    assert first.version == 1, first

    # The next version inherits the contract; the config adds a default property.
    client.set_config(subject, ServerConfig(
        compatibility_group="major",
        default_metadata=metadata(tier="gold"),
    ))
    v2 = record("Payment", [{"name": "amount", "type": "double"},
                            {"name": "memo", "type": "string", "default": ""}])
    second = client.register_schema_full_response(subject, Schema(v2, "AVRO"))
    assert second.version == 2, second
    latest = client.get_latest_version(subject)
    props = latest.schema.metadata.properties.properties
    assert props == {"major": "1", "owner": "payments", "tier": "gold"}, props
    rules = latest.schema.rule_set.domain_rules
    assert [r.name for r in rules] == ["positive"], rules
    assert rules[0].kind == RuleKind.CONDITION and rules[0].mode == RuleMode.WRITE, rules[0]

    # A breaking change is refused within its group and accepted as a new major version.
    breaking = record("Payment", [{"name": "amount", "type": "string"}])
    try:
        client.register_schema(subject, Schema(breaking, "AVRO", metadata=metadata(major="1")))
        raise AssertionError("a breaking change within major 1 was accepted")
    except SchemaRegistryError as error:
        assert error.http_status_code == 409, error
    third = client.register_schema_full_response(
        subject, Schema(breaking, "AVRO", metadata=metadata(major="2")))
    assert third.version == 3, third

    # What use.latest.with.metadata serializers ask.
    found = client.get_latest_with_metadata(subject, {"major": "1"})
    assert found.version == 2, found
    found = client.get_latest_with_metadata(subject, {"major": "2"})
    assert found.version == 3, found
    try:
        client.get_latest_with_metadata(subject, {"major": "9"})
        raise AssertionError("a missing major version was found")
    except SchemaRegistryError as error:
        assert error.error_code == 40403, error

    # A broken rule set is refused with Confluent's 42210.
    duplicate = RuleSet(migration_rules=None, domain_rules=[positive, positive])
    try:
        client.register_schema("other-value", Schema(v1, "AVRO", rule_set=duplicate))
        raise AssertionError("a duplicate rule name was accepted")
    except SchemaRegistryError as error:
        assert error.error_code == 42210, error
    print("python contracts round trip: ok")


if __name__ == "__main__":
    main(sys.argv[1])
