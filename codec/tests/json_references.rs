//! JSON Schema `$ref`s to schemas registered under other subjects: the validating serializer and
//! deserializer fetch the referenced schemas (transitively) and validate through them; a `$ref`
//! that is not among the references is refused, never fetched.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use codec::client::{MockClient, RegistryClient};
use codec::{JsonDeserializer, JsonSerializer, Schema, SchemaReference, SerializerConfig};
use serde_json::json;

const COUNTRY: &str = r#"{"type":"string","enum":["NO","SE","DK"]}"#;
const ADDRESS: &str = r#"{"type":"object","properties":{"city":{"type":"string"},
    "country":{"$ref":"country.json"}},"required":["city","country"]}"#;
const CUSTOMER: &str = r#"{"type":"object","properties":{"name":{"type":"string"},
    "home":{"$ref":"address.json"},
    "office":{"$ref":"https://schemas.example.org/address.json"}},"required":["name","home"]}"#;

fn reference(name: &str, subject: &str) -> SchemaReference {
    SchemaReference {
        name: name.into(),
        subject: subject.into(),
        version: 1,
    }
}

async fn registry() -> (Arc<MockClient>, Schema) {
    let mock = Arc::new(MockClient::new());
    mock.register("country", &Schema::json(COUNTRY), false)
        .await
        .unwrap();
    let address = Schema::json(ADDRESS).with_reference(reference("country.json", "country"));
    mock.register("address", &address, false).await.unwrap();
    let customer = Schema::json(CUSTOMER)
        .with_reference(reference("address.json", "address"))
        .with_reference(reference(
            "https://schemas.example.org/address.json",
            "address",
        ));
    (mock, customer)
}

#[tokio::test]
async fn references_to_other_subjects_validate_on_write_and_read() {
    let (mock, customer) = registry().await;
    let ser = JsonSerializer::<serde_json::Value>::new(
        mock.clone(),
        customer,
        SerializerConfig::value().validate(true),
    )
    .unwrap();
    let good = json!({"name":"Kari","home":{"city":"Bergen","country":"NO"},
        "office":{"city":"Oslo","country":"NO"}});
    let bytes = ser.serialize("customers", &good).await.unwrap().payload;
    // a country the referenced-of-the-referenced schema does not allow
    let bad_home = json!({"name":"Kari","home":{"city":"Bergen","country":"FR"}});
    assert!(ser.serialize("customers", &bad_home).await.is_err());
    // through the absolute-URL reference too
    let bad_office = json!({"name":"Kari","home":{"city":"Bergen","country":"NO"},
        "office":{"city":"Oslo"}});
    assert!(ser.serialize("customers", &bad_office).await.is_err());

    let de = JsonDeserializer::new(mock.clone(), true);
    assert_eq!(
        de.deserialize::<serde_json::Value>(&bytes).await.unwrap(),
        good
    );
    let forged = [
        &bytes[..5],
        br#"{"name":"Kari","home":{"city":"Bergen","country":"FR"}}"#,
    ]
    .concat();
    assert!(de.deserialize::<serde_json::Value>(&forged).await.is_err());
}

#[tokio::test]
async fn a_ref_outside_the_references_is_refused_not_fetched() {
    let mock = Arc::new(MockClient::new());
    let schema = Schema::json(r#"{"$ref":"https://schemas.example.org/elsewhere.json"}"#)
        .with_reference(reference("other.json", "other"));
    mock.register("other", &Schema::json(COUNTRY), false)
        .await
        .unwrap();
    let ser = JsonSerializer::<serde_json::Value>::new(
        mock,
        schema,
        SerializerConfig::value().validate(true),
    )
    .unwrap();
    let err = ser.serialize("t", &json!("NO")).await.unwrap_err();
    assert!(err.to_string().contains("elsewhere.json"), "{err}");
}
