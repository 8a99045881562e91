"""Confluent's official Python client against our server with authentication on.

Usage: python auth_clients.py BASE_URL GOOD_TOKEN BAD_TOKEN

Basic auth (`basic.auth.user.info`) and a static bearer token (`bearer.auth.credentials.source:
STATIC_TOKEN`) register and read with the right credentials and are refused otherwise.
Run by tests/tests/python_auth.rs; every check raises on failure.
"""

import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

ORDER = """{"type":"record","name":"Order","namespace":"com.acme",
  "fields":[{"name":"id","type":"long"}]}"""
TICKET = """{"type":"record","name":"Ticket","namespace":"com.acme",
  "fields":[{"name":"id","type":"string"}]}"""


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def expect_refused(status, code, call):
    try:
        call()
    except SchemaRegistryError as error:
        expect(
            error.http_status_code == status and error.error_code == code,
            f"expected {status}/{code}, got {error.http_status_code}/{error.error_code}: {error}",
        )
        return
    raise AssertionError(f"expected {status}/{code}, got success")


def bearer(base_url, token):
    return SchemaRegistryClient({
        "url": base_url,
        "bearer.auth.credentials.source": "STATIC_TOKEN",
        "bearer.auth.token": token,
        "bearer.auth.logical.cluster": "lsrc-test",
        "bearer.auth.identity.pool.id": "pool-test",
    })


def main(base_url, good_token, bad_token):
    # Basic: the writer of `b*` registers and reads back.
    writer = SchemaRegistryClient({"url": base_url, "basic.auth.user.info": "writer:writer-pw"})
    schema_id = writer.register_schema("b-orders-value", Schema(ORDER, "AVRO"))
    expect(writer.get_schema(schema_id).schema_str.startswith("{"), "schema by id")
    latest = writer.get_latest_version("b-orders-value")
    expect(latest.schema_id == schema_id and latest.version == 1, f"latest {latest}")
    expect(writer.get_subjects() == ["b-orders-value"], "subjects")
    # ... but not outside its prefix.
    expect_refused(403, 40301, lambda: writer.register_schema("a-value", Schema(ORDER, "AVRO")))

    wrong = SchemaRegistryClient({"url": base_url, "basic.auth.user.info": "writer:wrong"})
    expect_refused(401, 401, wrong.get_subjects)
    expect_refused(401, 401, lambda: wrong.register_schema("b-x", Schema(ORDER, "AVRO")))
    anonymous = SchemaRegistryClient({"url": base_url})
    expect_refused(401, 401, anonymous.get_subjects)

    # Bearer: the token's principal `svc` writes `t*`.
    service = bearer(base_url, good_token)
    ticket_id = service.register_schema("t-tickets-value", Schema(TICKET, "AVRO"))
    expect(service.get_schema(ticket_id).schema_str.startswith("{"), "schema by id (bearer)")
    expect(service.get_subjects() == ["t-tickets-value"], "bearer sees only its subjects")
    # The writer's schema id is not visible to `svc` (no readable subject uses it).
    expect_refused(404, 40403, lambda: service.get_schema(schema_id))
    expect_refused(401, 401, bearer(base_url, bad_token).get_subjects)
    print("python auth clients: ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
