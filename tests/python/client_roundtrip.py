"""Drives our server with Confluent's official Python client (confluent-kafka).

Usage: python client_roundtrip.py BASE_URL

Every check raises on failure; the process exits non-zero on the first one. Run by
tests/tests/python_client.rs against a freshly started server.
"""

import sys

from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

USER_V1 = """{"type":"record","name":"User","namespace":"com.acme",
  "fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}"""
USER_V2 = """{"type":"record","name":"User","namespace":"com.acme",
  "fields":[{"name":"name","type":"string"},{"name":"age","type":"int"},
            {"name":"email","type":["null","string"],"default":null}]}"""
ADDRESS = """{"type":"record","name":"Address","namespace":"com.acme",
  "fields":[{"name":"street","type":"string"}]}"""
PERSON = """{"type":"record","name":"Person","namespace":"com.acme",
  "fields":[{"name":"home","type":"com.acme.Address"}]}"""


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def expect_error(code, call):
    try:
        call()
    except SchemaRegistryError as error:
        expect(error.error_code == code, f"expected error {code}, got {error.error_code}: {error}")
        return
    raise AssertionError(f"expected error {code}, got success")


def main(base_url):
    client = SchemaRegistryClient({"url": base_url})

    # Register, look up, fetch.
    schema_id = client.register_schema("users-value", Schema(USER_V1, "AVRO"))
    expect(isinstance(schema_id, int) and schema_id >= 1, f"register returned {schema_id}")
    again = client.register_schema("users-value", Schema(USER_V1, "AVRO"))
    expect(again == schema_id, "re-registering answers the same id")
    found = client.lookup_schema("users-value", Schema(USER_V1, "AVRO"))
    expect(found.schema_id == schema_id and found.version == 1 and found.subject == "users-value",
           f"lookup: {found}")
    fetched = client.get_schema(schema_id)
    expect(fetched.schema_type == "AVRO", f"schema type {fetched.schema_type}")
    expect('"name":"User"' in fetched.schema_str, f"stored text {fetched.schema_str}")
    latest = client.get_latest_version("users-value")
    expect(latest.version == 1 and latest.schema_id == schema_id, f"latest: {latest}")
    expect("users-value" in client.get_subjects(), "subject listed")
    expect(client.get_versions("users-value") == [1], "versions")

    # Compatibility: adding an optional field is backward compatible; a type change is not.
    expect(client.test_compatibility("users-value", Schema(USER_V2, "AVRO")), "V2 compatible")
    broken = USER_V1.replace('"type":"int"', '"type":"string"')
    expect(not client.test_compatibility("users-value", Schema(broken, "AVRO")), "int->string refused")
    expect_error(409, lambda: client.register_schema("users-value", Schema(broken, "AVRO")))
    v2_id = client.register_schema("users-value", Schema(USER_V2, "AVRO"))
    expect(v2_id != schema_id, "a new schema gets a new id")
    client.clear_latest_caches()  # the client caches "latest" like Confluent's clients do
    expect(client.get_latest_version("users-value").version == 2, "v2 is latest")

    # Config.
    client.set_compatibility(subject_name="users-value", level="FULL")
    expect(client.get_compatibility("users-value") == "FULL", "subject level FULL")

    # References.
    address_id = client.register_schema("address-value", Schema(ADDRESS, "AVRO"))
    person = Schema(PERSON, "AVRO", [SchemaReference("com.acme.Address", "address-value", 1)])
    person_id = client.register_schema("person-value", person)
    person_back = client.get_schema(person_id)
    expect(len(person_back.references) == 1 and person_back.references[0].subject == "address-value",
           "references returned")
    expect(client.get_referenced_by("address-value", 1) == [person_id], "referencedby")
    expect(address_id != person_id, "distinct ids")

    # Errors keep Confluent's codes (the client keys negative caches on them).
    expect_error(40403, lambda: client.get_schema(999999))
    expect_error(40401, lambda: client.get_latest_version("no-such-subject"))
    expect_error(40403, lambda: client.lookup_schema("users-value", Schema(ADDRESS, "AVRO")))

    # Serializer / deserializer round trip through the registry.
    serializer = AvroSerializer(client, USER_V2, conf={"auto.register.schemas": False, "use.latest.version": True})
    deserializer = AvroDeserializer(client)
    ctx = SerializationContext("users", MessageField.VALUE)
    record = {"name": "Ada", "age": 36, "email": "ada@example.com"}
    payload = serializer(record, ctx)
    expect(payload[0] == 0 and int.from_bytes(payload[1:5], "big") == v2_id, f"wire prefix {payload[:5]!r}")
    expect(deserializer(payload, ctx) == record, "Avro round trip")

    auto = AvroSerializer(client, ADDRESS)  # auto-registers under address-topic-value
    addr_payload = auto({"street": "Main St"}, SerializationContext("address-topic", MessageField.VALUE))
    expect(deserializer(addr_payload, SerializationContext("address-topic", MessageField.VALUE)) == {"street": "Main St"},
           "auto-registered round trip")

    # JSON Schema: serializer (auto-register, with validation) and deserializer round trip.
    order_schema = """{"$schema":"http://json-schema.org/draft-07/schema#","title":"Order","type":"object",
      "properties":{"id":{"type":"integer"},"items":{"type":"array","items":{"type":"string"}}},
      "required":["id"],"additionalProperties":false}"""
    json_serializer = JSONSerializer(order_schema, client)
    json_deserializer = JSONDeserializer(order_schema, schema_registry_client=client)
    json_ctx = SerializationContext("orders", MessageField.VALUE)
    order = {"id": 7, "items": ["a", "b"]}
    json_payload = json_serializer(order, json_ctx)
    json_id = int.from_bytes(json_payload[1:5], "big")
    expect(json_payload[0] == 0, "JSON wire prefix")
    expect(client.get_schema(json_id).schema_type == "JSON", "registered as JSON")
    expect(client.get_latest_version("orders-value").schema_id == json_id, "under orders-value")
    expect(json_deserializer(json_payload, json_ctx) == order, "JSON round trip")
    try:
        json_serializer({"id": "not an integer"}, json_ctx)
        raise AssertionError("an invalid JSON record was serialized")
    except AssertionError:
        raise
    except Exception:  # the serializer validates against the schema and refuses
        pass

    # Deletes.
    expect(client.delete_version("users-value", 2) == 2, "delete version")
    expect(client.delete_subject("users-value") == [1], "soft delete subject")
    expect(client.delete_subject("users-value", permanent=True) == [1, 2], "hard delete subject")
    print("python client round trip: ok")


if __name__ == "__main__":
    main(sys.argv[1])
