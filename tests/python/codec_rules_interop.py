#!/usr/bin/env python3
"""Data-contract rule interop: Python confluent-kafka's Avro serializer (with its CEL executor)
judges each record of a fixed list against the rules registered on SUBJECT, and prints one line per
record: `ok <hex of the framed bytes>` or `refused <reason>`. Then it decodes each hex payload given
with --decode (bytes made by the Rust codec) and prints `decoded <json>` or `refused-read <reason>`.

Usage: codec_rules_interop.py --registry URL --topic TOPIC [--decode HEX ...]
Needs `pip install 'confluent-kafka[avro,schemaregistry,rules]'`. The schema (with its rule set)
must already be registered under `<topic>-value`; the serializer uses `use.latest.version` because
Python runs rules only for a schema chosen that way (not for auto-registered ones).
"""

import argparse
import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.rules.cel.cel_executor import CelExecutor
from confluent_kafka.schema_registry.rules.cel.cel_field_executor import CelFieldExecutor
from confluent_kafka.serialization import MessageField, SerializationContext

# The records both clients judge, in order (the Rust test holds the same list).
RECORDS = [
    {"item": "tea", "qty": 2, "email": "a@example.org"},
    {"item": "tea", "qty": 0, "email": "a@example.org"},
    {"item": "cake", "qty": 5, "email": "nobody"},
    {"item": "cake", "qty": -3, "email": "b@example.org"},
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--decode", nargs="*", default=[])
    args = parser.parse_args()

    CelExecutor.register()
    CelFieldExecutor.register()
    client = SchemaRegistryClient({"url": args.registry})
    ctx = SerializationContext(args.topic, MessageField.VALUE)
    ser = AvroSerializer(
        client,
        schema_str=None,
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    for record in RECORDS:
        try:
            data = ser(record, ctx)
            print("ok " + data.hex())
        except Exception as e:  # the serializer raises SerializationError on a failed rule
            print("refused " + str(e).replace("\n", " "))
    de = AvroDeserializer(client)
    for payload in args.decode:
        try:
            print("decoded " + json.dumps(de(bytes.fromhex(payload), ctx), sort_keys=True))
        except Exception as e:
            print("refused-read " + str(e).replace("\n", " "))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
