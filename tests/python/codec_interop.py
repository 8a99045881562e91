#!/usr/bin/env python3
"""Cross-language interop check: bytes made by Python confluent-kafka's serializers decode with the
`codec` crate, and bytes made by `codec` decode with Python's deserializers (Avro and JSON Schema).

Usage (see README.md beside this file):
    python3 tests/python/codec_interop.py [--registry URL] [--bin PATH]

Without --registry a tiny in-process stub registry is started on 127.0.0.1 (enough for both clients
to share ids); with --registry the check runs against that registry (e.g. our server in CI).
--bin is the `codec-interop` binary of the registry-tests crate (default:
target/debug/codec-interop, built with `cargo build -p registry-tests --bin codec-interop`). Needs `pip install 'confluent-kafka[avro,schemaregistry,json]'`.
Prints one line per case and a closing "N passed, M failed"; exits non-zero on any failure.
"""

import argparse
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
from confluent_kafka.serialization import MessageField, SerializationContext

# Same texts as tests/src/bin/codec_interop.rs
AVRO_SCHEMA = '{"type":"record","name":"Interop","namespace":"codec.test","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"score","type":"double"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"nick","type":["null","string"],"default":null}]}'
JSON_SCHEMA = '{"type":"object","title":"Interop","properties":{"id":{"type":"integer"},"name":{"type":"string"},"score":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}},"nick":{"type":["null","string"]}},"required":["id","name"]}'
RUST_RECORD = {"id": 42, "name": "from-rust", "score": 2.5, "tags": ["a", "b"], "nick": "r"}
PY_RECORD = {"id": 7, "name": "from-python", "score": -1.25, "tags": ["x"], "nick": None}


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

    case("python AvroSerializer -> codec", py_avro_to_rust)
    case("codec -> python AvroDeserializer", rust_avro_to_py)
    case("codec and python write identical Avro datums", same_avro_bytes)
    case("python JSONSerializer -> codec", py_json_to_rust)
    case("codec -> python JSONDeserializer", rust_json_to_py)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
