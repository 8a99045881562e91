"""Confluent's Python Protobuf serializer and deserializer against our server.

Usage: python protobuf_roundtrip.py BASE_URL

Generates Python classes for two `.proto` files at run time with grpcio-tools (which
ships protoc), then: auto-registers a message that is not the first in its file and whose
file imports another file and a well-known type (the import is registered as its own
subject and referenced), checks the message-index bytes of the framing, reads the data back
with the deserializer, re-serializes with use.latest.version, checks compatibility through
the client, and fetches the schema in the serialized format. Every check raises on failure.
"""

import base64
import importlib
import os
import sys
import tempfile

from grpc_tools import protoc

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2

COMMON = """syntax = "proto3";
package pyshop.common;

message Money {
  string currency = 1;
  int64 units = 2;
}
"""

ORDERS = """syntax = "proto3";
package pyshop.orders;

import "pyshop/common.proto";
import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  pyshop.common.Money total = 2;
}

message Refund {
  string order_id = 1;
  pyshop.common.Money amount = 2;
  google.protobuf.Timestamp at = 3;
  map<string, string> notes = 4;
  message Reason { string text = 1; }
  Reason reason = 5;
}
"""


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def generate(workdir):
    """Writes the .proto files and compiles them to Python modules in workdir."""
    os.makedirs(os.path.join(workdir, "pyshop"), exist_ok=True)
    for name, text in (("common.proto", COMMON), ("orders.proto", ORDERS)):
        with open(os.path.join(workdir, "pyshop", name), "w", encoding="utf-8") as out:
            out.write(text)
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    for name in ("pyshop/common.proto", "pyshop/orders.proto"):
        code = protoc.main(["protoc", f"-I{workdir}", f"-I{include}", f"--python_out={workdir}", name])
        expect(code == 0, f"protoc failed on {name}")
    open(os.path.join(workdir, "pyshop", "__init__.py"), "w").close()
    sys.path.insert(0, workdir)
    return importlib.import_module("pyshop.orders_pb2")


def main():
    base = sys.argv[1]
    client = SchemaRegistryClient({"url": base})
    with tempfile.TemporaryDirectory() as workdir:
        orders = generate(workdir)
        topic = "py-refunds"
        ctx = SerializationContext(topic, MessageField.VALUE)
        serializer = ProtobufSerializer(orders.Refund, client, {"use.deprecated.format": False})
        refund = orders.Refund(order_id="o-17")
        refund.amount.currency = "EUR"
        refund.amount.units = 1250
        refund.at.seconds = 1_700_000_000
        refund.notes["why"] = "damaged"
        refund.reason.text = "box crushed"
        data = serializer(refund, ctx)

        # Framing: magic byte, id, message indexes [1] (Refund is the second message).
        expect(data[0] == 0, f"magic byte {data[0]}")
        schema_id = int.from_bytes(data[1:5], "big")
        expect(data[5:7] == b"\x02\x02", f"message indexes of Refund: {data[5:7].hex()}")

        subjects = client.get_subjects()
        expect("pyshop/common.proto" in subjects, f"import registered as a subject: {subjects}")
        expect(f"{topic}-value" in subjects, f"topic subject: {subjects}")
        registered = client.get_latest_version(f"{topic}-value")
        expect(registered.schema_id == schema_id, "id in the frame is the registered one")
        expect(registered.schema.schema_type == "PROTOBUF", registered.schema.schema_type)
        names = [r.name for r in registered.schema.references]
        expect(names == ["pyshop/common.proto"], f"references (well-known types skipped): {names}")

        # A client of its own: the Python client caches schemas by id whatever their format,
        # so one that has read the text form would hand the text to the deserializer.
        reader_client = SchemaRegistryClient({"url": base})
        deserializer = ProtobufDeserializer(
            orders.Refund, {"use.deprecated.format": False}, schema_registry_client=reader_client
        )
        back = deserializer(data, ctx)
        expect(back == refund, f"round trip: {back} != {refund}")

        # Serializing again finds the same schema (lookup of the same descriptor).
        again = ProtobufSerializer(orders.Refund, client, {"use.deprecated.format": False})
        expect(again(refund, ctx)[1:5] == data[1:5], "same id on a second serializer")

        # The first message of the file: indexes [0], the single byte 0.
        order_ctx = SerializationContext("py-orders", MessageField.VALUE)
        order_data = ProtobufSerializer(orders.Order, client, {"use.deprecated.format": False})(
            orders.Order(id="o-1"), order_ctx
        )
        expect(order_data[5:6] == b"\x00", f"indexes of Order: {order_data[5:6].hex()}")
        order_back = ProtobufDeserializer(orders.Order, {"use.deprecated.format": False})(order_data, order_ctx)
        expect(order_back.id == "o-1", "order round trip")

        # use.latest.version with auto-register off.
        latest = ProtobufSerializer(
            orders.Refund,
            SchemaRegistryClient({"url": base}),
            {"use.deprecated.format": False, "auto.register.schemas": False, "use.latest.version": True},
        )
        expect(latest(refund, ctx)[1:5] == data[1:5], "use.latest.version uses the registered id")

        # The serialized format is a FileDescriptorProto naming the import.
        fetched = SchemaRegistryClient({"url": base}).get_schema(schema_id, fmt="serialized")
        file = descriptor_pb2.FileDescriptorProto()
        file.ParseFromString(base64.b64decode(fetched.schema_str))
        expect(file.package == "pyshop.orders", file.package)
        expect("pyshop/common.proto" in list(file.dependency), list(file.dependency))
        expect([m.name for m in file.message_type] == ["Order", "Refund"], [m.name for m in file.message_type])

        # Compatibility through the client: the registered schema is compatible with itself.
        expect(
            client.test_compatibility(f"{topic}-value", registered.schema),
            "registered schema compatible with itself",
        )
    print("python protobuf round trip: ok")


if __name__ == "__main__":
    main()
