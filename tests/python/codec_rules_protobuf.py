#!/usr/bin/env python3
"""Data-contract rules on Protobuf messages: Python confluent-kafka's Protobuf serializer (with
its CEL executors) judges each record of a fixed list against the rules registered on
`<topic>-value`, and prints one line per record: `ok <hex of the framed bytes>` or
`refused <reason>`. Then it decodes each hex payload given with --decode (bytes made by the Rust
codec) and prints `decoded item=<item> qty=<qty> email=<email>` or `refused-read <reason>`.

Usage: codec_rules_protobuf.py --registry URL --topic TOPIC [--decode HEX ...]
Needs confluent-kafka[protobuf,schemaregistry,rules] and grpcio-tools (its protoc compiles the
message class at run time). The schema, with its rule set, must already be registered under
`<topic>-value` (the Rust test holds the same .proto text); the serializer selects it with
`use.latest.version`, the one way Python runs rules on write.
"""

import argparse
import importlib
import os
import sys
import tempfile

from grpc_tools import protoc

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.schema_registry.rules.cel.cel_executor import CelExecutor
from confluent_kafka.schema_registry.rules.cel.cel_field_executor import CelFieldExecutor
from confluent_kafka.serialization import MessageField, SerializationContext

# Same text as BREW_PROTO in tests/tests/codec_rules.rs.
BREW = """syntax = "proto3";
package rulecafe;

message Brew {
  string item = 1;
  int32 qty = 2;
  string email = 3;
}
"""

# The records both clients judge, in order (the Rust test holds the same list).
RECORDS = [
    {"item": "latte", "qty": 2, "email": "a@example.org"},
    {"item": "latte", "qty": 0, "email": "a@example.org"},
    {"item": "mocha", "qty": 7, "email": "b@example.org"},
]


def compile_brew(workdir):
    """Writes the .proto file and compiles it to a Python module in workdir."""
    os.makedirs(os.path.join(workdir, "rulecafe"), exist_ok=True)
    with open(os.path.join(workdir, "rulecafe", "brew.proto"), "w", encoding="utf-8") as out:
        out.write(BREW)
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    code = protoc.main(["protoc", f"-I{workdir}", f"-I{include}", f"--python_out={workdir}", "rulecafe/brew.proto"])
    if code != 0:
        raise RuntimeError("protoc failed on rulecafe/brew.proto")
    open(os.path.join(workdir, "rulecafe", "__init__.py"), "w").close()
    sys.path.insert(0, workdir)
    return importlib.import_module("rulecafe.brew_pb2")


def reason(e):
    """The error and its cause (a rule failure is a bare SerializationError raised from it)."""
    text = f"{type(e).__name__}: {e}"
    if e.__cause__ is not None:
        text += f" (caused by {type(e.__cause__).__name__}: {e.__cause__})"
    return text.replace("\n", " ")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--decode", nargs="*", default=[])
    args = parser.parse_args()

    CelExecutor.register()
    CelFieldExecutor.register()
    ctx = SerializationContext(args.topic, MessageField.VALUE)
    with tempfile.TemporaryDirectory() as workdir:
        brew = compile_brew(workdir)
        ser = ProtobufSerializer(
            brew.Brew,
            SchemaRegistryClient({"url": args.registry}),
            {"use.deprecated.format": False, "auto.register.schemas": False, "use.latest.version": True},
        )
        for record in RECORDS:
            try:
                print("ok " + ser(brew.Brew(**record), ctx).hex())
            except Exception as e:  # a failed rule raises SerializationError
                print("refused " + reason(e))
        de = ProtobufDeserializer(
            brew.Brew,
            {"use.deprecated.format": False},
            schema_registry_client=SchemaRegistryClient({"url": args.registry}),
        )
        for payload in args.decode:
            try:
                m = de(bytes.fromhex(payload), ctx)
                print(f"decoded item={m.item} qty={m.qty} email={m.email}")
            except Exception as e:
                print("refused-read " + reason(e))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
