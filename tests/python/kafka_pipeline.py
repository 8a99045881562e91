#!/usr/bin/env python3
"""The Python half of the Kafka pipeline test (tests/tests/kafka_pipeline.rs): confluent-kafka's
Producer with AvroSerializer, and Consumer with AvroDeserializer, against a registry and a broker.

    kafka_pipeline.py produce --registry URL --bootstrap HOST:PORT --topic T --count N [--header-form]
    kafka_pipeline.py consume --registry URL --bootstrap HOST:PORT --topic T --count N [--timeout-secs S]

`produce` sends the same records as `kafka-pipe produce` (tests/src/bin/kafka_pipe.rs): key the
Avro string "order-{i}", value an Order. `consume` reads partition 0 from the beginning and prints
one JSON line per record, {"form": "prefix"|"header", "key": ..., "value": ...}; it exits non-zero
when N records do not arrive within the timeout.
"""

import argparse
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.schema_registry import (
    SchemaRegistryClient,
    header_schema_id_serializer,
    prefix_schema_id_serializer,
)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

# Same texts as tests/src/bin/kafka_pipe.rs
ORDER = '{"type":"record","name":"Order","namespace":"pipeline.test","fields":[{"name":"id","type":"long"},{"name":"item","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"double"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"note","type":["null","string"],"default":null}]}'
KEY = '"string"'
KEY_HEADER, VALUE_HEADER = "__key_schema_id", "__value_schema_id"


def record(i):
    """Record i, as `record` in kafka_pipe.rs builds it."""
    value = {
        "id": i,
        "item": f"item-{i}",
        "qty": i % 5 + 1,
        "price": i + 0.25,
        "tags": [f"t{t}" for t in range(i % 3)],
        "note": f"note {i}" if i % 2 == 0 else None,
    }
    return f"order-{i}", value


def produce(args, registry):
    id_serializer = header_schema_id_serializer if args.header_form else prefix_schema_id_serializer
    conf = {"auto.register.schemas": True, "schema.id.serializer": id_serializer}
    keys = AvroSerializer(registry, KEY, conf=conf)
    values = AvroSerializer(registry, ORDER, conf=conf)
    producer = Producer(
        {
            "bootstrap.servers": args.bootstrap,
            "message.timeout.ms": 30000,
            "enable.idempotence": False,
            "acks": "all",
            "linger.ms": 0,
        }
    )
    errors = []

    def delivered(err, _msg):
        if err is not None:
            errors.append(err)

    for i in range(args.count):
        key, value = record(i)
        headers = []
        k = keys(key, SerializationContext(args.topic, MessageField.KEY, headers))
        v = values(value, SerializationContext(args.topic, MessageField.VALUE, headers))
        producer.produce(args.topic, key=k, value=v, headers=headers or None, partition=0, on_delivery=delivered)
        # one at a time, like the Rust producer: the order on the partition is the order of i
        if producer.flush(30) != 0:
            sys.exit(f"record {i} not delivered within 30 s")
        if errors:
            sys.exit(f"record {i}: {errors[0]}")


def consume(args, registry):
    decode = AvroDeserializer(registry)
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": "kafka-pipeline-py",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
        }
    )
    consumer.assign([TopicPartition(args.topic, 0, OFFSET_BEGINNING)])
    deadline = time.monotonic() + args.timeout_secs
    seen = 0
    try:
        while seen < args.count:
            left = deadline - time.monotonic()
            if left <= 0:
                sys.exit(f"{seen} of {args.count} records within {args.timeout_secs} s")
            m = consumer.poll(min(left, 0.5))
            if m is None:
                continue
            if m.error():
                sys.exit(f"consume: {m.error()}")
            headers = m.headers() or []
            names = {name for name, _ in headers}
            form = {(True, True): "header", (False, False): "prefix"}.get(
                (KEY_HEADER in names, VALUE_HEADER in names), "mixed"
            )
            key = decode(m.key(), SerializationContext(args.topic, MessageField.KEY, headers))
            value = decode(m.value(), SerializationContext(args.topic, MessageField.VALUE, headers))
            print(json.dumps({"form": form, "key": key, "value": value}), flush=True)
            seen += 1
    finally:
        consumer.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["produce", "consume"])
    ap.add_argument("--registry", required=True)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--header-form", action="store_true")
    ap.add_argument("--timeout-secs", type=float, default=60)
    args = ap.parse_args()
    registry = SchemaRegistryClient({"url": args.registry})
    if args.cmd == "produce":
        produce(args, registry)
    else:
        consume(args, registry)


if __name__ == "__main__":
    main()
