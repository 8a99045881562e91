#!/usr/bin/env python3
"""Cross-language interop check: bytes made by Python confluent-kafka's serializers decode with the
`codec` crate, and bytes made by `codec` decode with Python's deserializers (Avro, JSON Schema and
Protobuf).

Usage (see README.md beside this file):
    python3 tests/python/codec_interop.py [--registry URL] [--bin PATH]

Without --registry a tiny in-process stub registry is started on 127.0.0.1 (enough for both clients
to share ids); with --registry the check runs against that registry (e.g. our server in CI).
--bin is the `codec-interop` binary of the registry-tests crate (default:
target/debug/codec-interop, built with `cargo build -p registry-tests --bin codec-interop`). Needs
`pip install 'confluent-kafka[avro,schemaregistry,json,protobuf]' grpcio-tools`.
The Protobuf cases need a registry that serves `?format=serialized` and references (not the stub).
Prints one line per case and a closing "N passed, M failed"; exits non-zero on any failure.
"""

import argparse
import base64
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf.descriptor import FieldDescriptor
from grpc_tools import protoc

# Same texts as tests/src/bin/codec_interop.rs
AVRO_SCHEMA = '{"type":"record","name":"Interop","namespace":"codec.test","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"score","type":"double"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"nick","type":["null","string"],"default":null}]}'
JSON_SCHEMA = '{"type":"object","title":"Interop","properties":{"id":{"type":"integer"},"name":{"type":"string"},"score":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}},"nick":{"type":["null","string"]}},"required":["id","name"]}'
RUST_RECORD = {"id": 42, "name": "from-rust", "score": 2.5, "tags": ["a", "b"], "nick": "r"}
PY_RECORD = {"id": 7, "name": "from-python", "score": -1.25, "tags": ["x"], "nick": None}

# The Protobuf files the bridge builds by hand as descriptors (tests/src/protobuf_fixture.rs),
# kept as .proto text in tests/fixtures/protobuf/interop/ (the npm script reads them too).
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "protobuf")


def fixture_proto(name):
    with open(os.path.join(FIXTURES, "interop", name), encoding="utf-8") as source:
        return source.read()


MONEY_PROTO = fixture_proto("money.proto")
ORDER_PROTO = fixture_proto("order.proto")
PB = {"use.deprecated.format": False}
# Order is the second message of its file (the enum does not count): indexes [1] = 02 02.
ORDER_INDEXES = b"\x02\x02"


def generate_protobuf(workdir):
    """Writes both .proto files and compiles them to Python modules; returns interop.order_pb2."""
    os.makedirs(os.path.join(workdir, "interop"), exist_ok=True)
    for name, text in (("money.proto", MONEY_PROTO), ("order.proto", ORDER_PROTO)):
        with open(os.path.join(workdir, "interop", name), "w", encoding="utf-8") as out:
            out.write(text)
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    for name in ("interop/money.proto", "interop/order.proto"):
        if protoc.main(["protoc", f"-I{workdir}", f"-I{include}", f"--python_out={workdir}", name]) != 0:
            raise RuntimeError(f"protoc failed on {name}")
    open(os.path.join(workdir, "interop", "__init__.py"), "w").close()
    sys.path.insert(0, workdir)
    return importlib.import_module("interop.order_pb2")


def rust_order(pb):
    """The Order the bridge writes (reference_order in tests/src/protobuf_fixture.rs)."""
    order = pb.Order(order_id="o-rust-42", channel=pb.CHANNEL_STORE, memo=bytes([0, 1, 0xFE, 0xFF]),
                     weight_kg=0.75, delta=-9_000_000_000)
    order.total.currency_code, order.total.units, order.total.nanos = "EUR", 13, 750_000_000
    order.placed_at.seconds, order.placed_at.nanos = 1_700_000_000, 123_000_000
    order.quantities["tea-01"] = 3
    first = order.lines.add(sku="tea-01", count=3)
    first.unit_price.currency_code, first.unit_price.units, first.unit_price.nanos = "EUR", 4, 250_000_000
    order.lines.add(sku="cup-07", count=1)
    order.customer.name, order.customer.vip = "from-rust", True
    return order


def py_order(pb):
    """An Order with other values (two map entries, negative money, no memo)."""
    order = pb.Order(order_id="o-py-7", channel=pb.CHANNEL_WEB, weight_kg=-2.5, delta=5)
    order.total.currency_code, order.total.units = "JPY", -1200
    order.placed_at.seconds = 1_600_000_000
    order.quantities["a"] = 1
    order.quantities["b"] = -2
    order.lines.add(sku="py", count=4_000_000_000)
    order.customer.name = "from-python"
    return order


def plain(msg):
    """A message as the bridge prints it: JSON names, 64-bit integers as strings, bytes base64,
    enum names, maps as objects, nested messages as objects; unset fields left out."""
    out = {}
    for field, value in msg.ListFields():
        entry = field.message_type
        if entry is not None and entry.GetOptions().map_entry:
            vf = entry.fields_by_name["value"]
            out[field.json_name] = {str(k): scalar(vf, v) for k, v in value.items()}
        elif field.is_repeated:
            out[field.json_name] = [scalar(field, v) for v in value]
        else:
            out[field.json_name] = scalar(field, value)
    return out


def scalar(field, value):
    t = field.type
    if t == FieldDescriptor.TYPE_MESSAGE:
        return plain(value)
    if t == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values_by_number[value].name
    if t == FieldDescriptor.TYPE_BYTES:
        return base64.b64encode(value).decode()
    if t in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_SINT64,
             FieldDescriptor.TYPE_FIXED64, FieldDescriptor.TYPE_SFIXED64):
        return str(value)
    return value


class StubRegistry(BaseHTTPRequestHandler):
    """Just enough of the REST API for both clients: register, lookup, by id, versions."""

    lock = threading.Lock()
    schemas = []  # index = id - 1: (schemaType, schema)
    subjects = {}  # subject -> [id, ...]

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def entry(self, sid, subject=None, version=None):
        stype, text = self.schemas[sid - 1]
        out = {"id": sid, "schema": text}
        if stype != "AVRO":
            out["schemaType"] = stype
        if subject is not None:
            out.update(subject=subject, version=version)
        return out

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        key = (body.get("schemaType", "AVRO"), body["schema"])
        path = self.path.split("?")[0]
        with self.lock:
            m = re.fullmatch(r"/subjects/([^/]+)/versions", path)
            if m:
                subject = m.group(1)
                sid = self.schemas.index(key) + 1 if key in self.schemas else None
                if sid is None:
                    self.schemas.append(key)
                    sid = len(self.schemas)
                versions = self.subjects.setdefault(subject, [])
                if sid not in versions:
                    versions.append(sid)
                return self.reply(200, {"id": sid})
            m = re.fullmatch(r"/subjects/([^/]+)", path)
            if m:
                versions = self.subjects.get(m.group(1))
                if not versions:
                    return self.reply(404, {"error_code": 40401, "message": "Subject not found."})
                for v, sid in enumerate(versions, 1):
                    if self.schemas[sid - 1] == key:
                        return self.reply(200, self.entry(sid, m.group(1), v))
                return self.reply(404, {"error_code": 40403, "message": "Schema not found"})
        self.reply(404, {"error_code": 404, "message": "HTTP 404 Not Found"})

    def do_GET(self):
        path = self.path.split("?")[0]
        with self.lock:
            m = re.fullmatch(r"/schemas/ids/(\d+)", path)
            if m:
                sid = int(m.group(1))
                if 0 < sid <= len(self.schemas):
                    return self.reply(200, self.entry(sid))
                return self.reply(404, {"error_code": 40403, "message": f"Schema {sid} not found"})
            m = re.fullmatch(r"/subjects/([^/]+)/versions/(latest|-1|\d+)", path)
            if m:
                versions = self.subjects.get(m.group(1))
                if not versions:
                    return self.reply(404, {"error_code": 40401, "message": "Subject not found."})
                v = len(versions) if m.group(2) in ("latest", "-1") else int(m.group(2))
                if not 0 < v <= len(versions):
                    return self.reply(404, {"error_code": 40402, "message": "Version not found."})
                return self.reply(200, self.entry(versions[v - 1], m.group(1), v))
        self.reply(404, {"error_code": 404, "message": "HTTP 404 Not Found"})


def rust(bin_path, *args):
    out = subprocess.run([bin_path, *args], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"interop {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--registry", help="registry base URL (default: start a stub)")
    ap.add_argument("--bin", default=os.path.join("target", "debug", "codec-interop"))
    args = ap.parse_args()

    url = args.registry
    if url is None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), StubRegistry)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"

    client = SchemaRegistryClient({"url": url})
    tmp = tempfile.mkdtemp(prefix="codec-interop-")
    ctx = lambda topic: SerializationContext(topic, MessageField.VALUE)
    passed = failed = 0

    def case(name, fn):
        nonlocal passed, failed
        try:
            fn()
            passed += 1
            print(f"ok   {name}")
        except Exception as e:  # report every case, then fail at the end
            failed += 1
            print(f"FAIL {name}: {e!r}")

    def check(got, want):
        if got != want:
            raise AssertionError(f"got {got!r}, want {want!r}")

    def py_avro_to_rust():
        data = AvroSerializer(client, AVRO_SCHEMA)(PY_RECORD, ctx("interop-py-avro"))
        path = os.path.join(tmp, "py.avro")
        open(path, "wb").write(data)
        check(json.loads(rust(args.bin, "decode", "avro", url, path)), PY_RECORD)

    def rust_avro_to_py():
        path = os.path.join(tmp, "rust.avro")
        rust(args.bin, "encode", "avro", url, "interop-rust-avro", path)
        data = open(path, "rb").read()
        check(data[0], 0)
        check(AvroDeserializer(client)(data, ctx("interop-rust-avro")), RUST_RECORD)

    def same_avro_bytes():
        # identical record and schema text: both sides must produce identical datum bytes
        path = os.path.join(tmp, "rust.avro")
        rust(args.bin, "encode", "avro", url, "interop-rust-avro", path)
        ours = open(path, "rb").read()
        theirs = AvroSerializer(client, AVRO_SCHEMA)(RUST_RECORD, ctx("interop-rust-avro"))
        check(ours[5:], theirs[5:])

    def py_json_to_rust():
        ser = JSONSerializer(JSON_SCHEMA, client, conf={"auto.register.schemas": True})
        data = ser(PY_RECORD, ctx("interop-py-json"))
        path = os.path.join(tmp, "py.json")
        open(path, "wb").write(data)
        check(json.loads(rust(args.bin, "decode", "json", url, path)), PY_RECORD)

    def rust_json_to_py():
        path = os.path.join(tmp, "rust.json")
        rust(args.bin, "encode", "json", url, "interop-rust-json", path)
        data = open(path, "rb").read()
        check(JSONDeserializer(None, schema_registry_client=client)(data, ctx("interop-rust-json")), RUST_RECORD)

    pb = generate_protobuf(os.path.join(tmp, "proto")) if args.registry else None

    def py_protobuf_to_rust():
        data = ProtobufSerializer(pb.Order, client, PB)(py_order(pb), ctx("interop-py-pb"))
        check(data[5:7], ORDER_INDEXES)
        path = os.path.join(tmp, "py.pb")
        open(path, "wb").write(data)
        got = json.loads(rust(args.bin, "decode", "protobuf", url, path))
        check(got, {"type": "interop.orders.Order", "value": plain(py_order(pb))})

    def rust_protobuf_to_py():
        path = os.path.join(tmp, "rust.pb")
        rust(args.bin, "encode", "protobuf", url, "interop-rust-pb", path)
        data = open(path, "rb").read()
        check(data[0], 0)
        check(data[5:7], ORDER_INDEXES)
        # the import went in as its own subject, referenced by its import path
        registered = client.get_latest_version("interop-rust-pb-value")
        check(registered.schema_id, int.from_bytes(data[1:5], "big"))
        check([(r.name, r.subject) for r in registered.schema.references],
              [("interop/money.proto", "interop/money.proto")])
        # a client of its own: the Python client caches schemas by id whatever their format
        reader = ProtobufDeserializer(pb.Order, PB, schema_registry_client=SchemaRegistryClient({"url": url}))
        got = reader(data, ctx("interop-rust-pb"))
        check(got, rust_order(pb))
        check(plain(got), plain(rust_order(pb)))

    def same_protobuf_bytes():
        # the same message through both serializers, same topic: same schema (the hand-built
        # descriptors equal protoc's), same indexes, same protobuf bytes
        path = os.path.join(tmp, "rust-same.pb")
        rust(args.bin, "encode", "protobuf", url, "interop-same-pb", path)
        ours = open(path, "rb").read()
        theirs = ProtobufSerializer(pb.Order, SchemaRegistryClient({"url": url}), PB)(
            rust_order(pb), ctx("interop-same-pb"))
        check(ours[5:7], ORDER_INDEXES)
        check(theirs[5:7], ORDER_INDEXES)
        check(ours[7:], theirs[7:])
        check(ours[:5], theirs[:5])
        check(len(client.get_versions("interop-same-pb-value")), 1)

    case("python AvroSerializer -> codec", py_avro_to_rust)
    case("codec -> python AvroDeserializer", rust_avro_to_py)
    case("codec and python write identical Avro datums", same_avro_bytes)
    case("python JSONSerializer -> codec", py_json_to_rust)
    case("codec -> python JSONDeserializer", rust_json_to_py)
    if args.registry is None:
        print("skip Protobuf cases: the stub registry has no format=serialized or references")
    else:
        case("python ProtobufSerializer -> codec", py_protobuf_to_rust)
        case("codec -> python ProtobufDeserializer", rust_protobuf_to_py)
        case("codec and python write identical Protobuf framing and bytes", same_protobuf_bytes)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
