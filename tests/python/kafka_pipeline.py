#!/usr/bin/env python3
"""The Python half of the Kafka pipeline test (tests/tests/kafka_pipeline.rs): confluent-kafka's
Producer with AvroSerializer / ProtobufSerializer, and Consumer with AvroDeserializer /
ProtobufDeserializer, against a registry and a broker.

    kafka_pipeline.py produce --registry URL --bootstrap HOST:PORT --topic T --count N [--header-form] [--format F]
    kafka_pipeline.py consume --registry URL --bootstrap HOST:PORT --topic T --count N [--timeout-secs S] [--format F]

`produce` sends the same records as `kafka-pipe produce` (tests/src/bin/kafka_pipe.rs): key the
Avro string "order-{i}", value an Order. `consume` reads partition 0 from the beginning and prints
one JSON line per record, {"form": "prefix"|"header", "key": ..., "value": ...}; it exits non-zero
when N records do not arrive within the timeout.

--format protobuf (default avro): values are interop.orders.Order messages of the interop files
(classes generated at run time with grpcio-tools, from codec_interop.py's texts); consume prints
them as codec_interop.plain does, plus "type" (the message's full name) and "frame", the value's
framing read from the raw bytes here: {"magic": 0, "id": N, "indexes": [...]} or
{"magic": 1, "guid": "...", "indexes": [...]}.
"""

import argparse
import json
import sys
import tempfile
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.schema_registry import (
    SchemaRegistryClient,
    header_schema_id_serializer,
    prefix_schema_id_serializer,
)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

# the interop .proto texts, their compilation and the JSON printer (same directory); no
# __pycache__ left in the source tree
sys.dont_write_bytecode = True
from codec_interop import PB, generate_protobuf, plain  # noqa: E402

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


def pb_record(pb, i):
    """Protobuf record i, as `pb_record` in kafka_pipe.rs builds it."""
    order = pb.Order(order_id=f"pb-{i}", channel=i % 3, weight_kg=i * 0.5 - 1.25,
                     delta=-i * 1_000_000_007 if i % 2 == 1 else i * 1_000_000_007)
    order.total.currency_code = "EUR" if i % 2 == 0 else "JPY"
    order.total.units, order.total.nanos = i * 7 - 20, i % 4 * 250_000_000
    order.placed_at.seconds, order.placed_at.nanos = 1_700_000_000 + i * 3600, i % 3 * 1000
    for n in range(i % 3):
        order.quantities[f"sku-{n}"] = i * (n + 1) - 5
    for n in range(i % 4):
        line = order.lines.add(sku=f"line-{i}-{n}", count=4_000_000_000 if n == 2 else n + 1)
        if n % 2 == 0:
            line.unit_price.currency_code, line.unit_price.units = "EUR", n + 1
    if i % 2 == 0:
        order.customer.name, order.customer.vip = f"cust-{i}", i % 4 == 0
    if i % 3 != 0:
        order.memo = bytes([i % 256, 0, 0xFF])
    return order


def frame(data, header):
    """The value's framing, read from the raw bytes (the header's when there is one)."""
    raw = header if header is not None else data
    magic = raw[0]
    if header is None and magic == 0:
        out, pos = {"id": int.from_bytes(raw[1:5], "big")}, 5
    elif header is not None and magic == 1:
        out, pos = {"guid": str(uuid.UUID(bytes=bytes(raw[1:17])))}, 17
    else:
        sys.exit(f"magic byte {magic} (header form: {header is not None})")

    def varint():
        nonlocal pos
        shift = value = 0
        while True:
            b = raw[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return (value >> 1) ^ -(value & 1)

    count = varint()
    indexes = [0] if count == 0 else [varint() for _ in range(count)]
    return {**out, "magic": magic, "indexes": indexes}


def produce(args, registry):
    id_serializer = header_schema_id_serializer if args.header_form else prefix_schema_id_serializer
    conf = {"auto.register.schemas": True, "schema.id.serializer": id_serializer}
    keys = AvroSerializer(registry, KEY, conf=conf)
    if args.format == "protobuf":
        pb = generate_protobuf(args.workdir)
        values = ProtobufSerializer(pb.Order, registry, conf={**PB, **conf})

        def build(i):
            return pb_record(pb, i)
    else:
        values = AvroSerializer(registry, ORDER, conf=conf)

        def build(i):
            return record(i)[1]
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
        key, value = record(i)[0], build(i)
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
    if args.format == "protobuf":
        pb = generate_protobuf(args.workdir)
        decode_value = ProtobufDeserializer(pb.Order, PB, schema_registry_client=registry)
    else:
        decode_value = decode
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
            value = decode_value(m.value(), SerializationContext(args.topic, MessageField.VALUE, headers))
            line = {"form": form, "key": key, "value": value}
            if args.format == "protobuf":
                value_header = next((v for name, v in headers if name == VALUE_HEADER), None)
                line.update(value=plain(value), type=value.DESCRIPTOR.full_name,
                            frame=frame(m.value(), value_header))
            print(json.dumps(line), flush=True)
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
    ap.add_argument("--format", choices=["avro", "protobuf"], default="avro")
    args = ap.parse_args()
    registry = SchemaRegistryClient({"url": args.registry})
    # generated Protobuf modules go here
    with tempfile.TemporaryDirectory(prefix="kafka-pipeline-") as workdir:
        args.workdir = workdir
        if args.cmd == "produce":
            produce(args, registry)
        else:
            consume(args, registry)


if __name__ == "__main__":
    main()
