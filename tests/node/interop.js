// npm's @kafkajs/confluent-schema-registry against our server, and byte-level interop with the
// Rust `codec` crate (through the codec-interop binary). Usage:
//   node interop.js REGISTRY_URL CODEC_INTEROP_BIN
// Prints one line per case and a closing "N passed, M failed" line; exits non-zero on failure.
'use strict'

const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry')

const [base, codecBin] = process.argv.slice(2)
// The schema and record the codec-interop binary uses (tests/src/bin/codec_interop.rs).
const INTEROP_AVRO = '{"type":"record","name":"Interop","namespace":"codec.test","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"score","type":"double"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"nick","type":["null","string"],"default":null}]}'
const RUST_RECORD = { id: 42, name: 'from-rust', score: 2.5, tags: ['a', 'b'], nick: 'r' }
const NODE_RECORD = { id: 7, name: 'from-node', score: -1.25, tags: ['x'], nick: null }
const USER_V1 = '{"type":"record","name":"User","namespace":"npm","fields":[{"name":"name","type":"string"}]}'
const USER_V2 = '{"type":"record","name":"User","namespace":"npm","fields":[{"name":"name","type":"string"},{"name":"age","type":["null","int"],"default":null}]}'
// The Protobuf files the codec-interop binary builds by hand as descriptors
// (tests/src/protobuf_fixture.rs), as .proto text shared with the Python script.
const protoFixture = name => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'protobuf', 'interop', name), 'utf8')
const MONEY_PROTO = protoFixture('money.proto')
const ORDER_PROTO = protoFixture('order.proto')
const MONEY_REF = { name: 'interop/money.proto', subject: 'interop/money.proto', version: 1 }
const USER_BROKEN = '{"type":"record","name":"User","namespace":"npm","fields":[{"name":"name","type":"int"}]}'

const registry = new SchemaRegistry({ host: base })
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-interop-'))
// avsc decodes records into instances of generated classes; compare their plain fields.
const plain = (value) => JSON.parse(JSON.stringify(value))
const codec = (...args) => execFileSync(codecBin, args, { encoding: 'utf8', timeout: 120000, stdio: 'pipe' })
// The codec-interop failure text (its stderr) of a command that must fail.
const codecError = (...args) => {
  try {
    codec(...args)
  } catch (error) {
    return String(error.stderr)
  }
  throw new Error(`codec-interop ${args.join(' ')} succeeded`)
}
const getJson = async (url) => {
  const res = await fetch(url)
  assert.equal(res.status, 200, url)
  return res.json()
}

const cases = {
  async 'avro register, encode, decode, latest id' () {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject: 'npm-user-value' })
    const again = await registry.register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject: 'npm-user-value' })
    assert.equal(again.id, id)
    const bytes = await registry.encode(id, { name: 'Ada' })
    assert.equal(bytes[0], 0)
    assert.equal(bytes.readInt32BE(1), id)
    assert.deepEqual(plain(await registry.decode(bytes)), { name: 'Ada' })
    assert.equal(await registry.getLatestSchemaId('npm-user-value'), id)
    assert.equal(await registry.getRegistryId('npm-user-value', 1), id)
  },
  async 'avro compatible evolution accepted, incompatible refused with 409' () {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: USER_V2 }, { subject: 'npm-user-value' })
    assert.equal(await registry.getLatestSchemaId('npm-user-value'), id)
    await assert.rejects(
      registry.register({ type: SchemaType.AVRO, schema: USER_BROKEN }, { subject: 'npm-user-value' }),
      (error) => error.status === 409 || /incompatible/i.test(String(error.message))
    )
  },
  async 'json schema register, encode, decode' () {
    const schema = '{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}'
    const { id } = await registry.register({ type: SchemaType.JSON, schema }, { subject: 'npm-json-value' })
    const bytes = await registry.encode(id, { id: 5 })
    assert.deepEqual(plain(await registry.decode(bytes)), { id: 5 })
  },
  async 'codec bytes decode with npm' () {
    const file = path.join(tmp, 'rust.avro')
    codec('encode', 'avro', base, 'npm-interop-rust', file)
    assert.deepEqual(plain(await registry.decode(fs.readFileSync(file))), RUST_RECORD)
  },
  async 'npm bytes decode with codec, and both write the same datum' () {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: INTEROP_AVRO }, { subject: 'npm-interop-node-value' })
    const bytes = await registry.encode(id, NODE_RECORD)
    const file = path.join(tmp, 'node.avro')
    fs.writeFileSync(file, bytes)
    assert.deepEqual(JSON.parse(codec('decode', 'avro', base, file)), NODE_RECORD)
    const rustFile = path.join(tmp, 'rust-same.avro')
    codec('encode', 'avro', base, 'npm-interop-same', rustFile)
    const ours = await registry.encode(id, RUST_RECORD)
    assert.deepEqual(fs.readFileSync(rustFile).subarray(5), ours.subarray(5))
  },
  // Protobuf. The npm client (4.1.0) frames Protobuf as magic + id + protobuf bytes, with no
  // message indexes (wireEncoder.encode), and decodes by stripping leading zero bytes from the
  // rest (ProtoSchema.trimStart) and reading the first message of the file (or the `messageName`
  // option), whatever indexes the record carries. So it reads Confluent-framed records of a
  // file's first message (indexes [0] = one 00 byte) and nothing else; the codec reads npm's
  // records once the [0] index byte is put in.
  async 'protobuf register with references through npm, served back with them' () {
    const money = await registry.register({ type: SchemaType.PROTOBUF, schema: MONEY_PROTO }, { subject: 'interop/money.proto' })
    const order = await registry.register(
      { type: SchemaType.PROTOBUF, schema: ORDER_PROTO, references: [MONEY_REF] },
      { subject: 'npm-orders-value' }
    )
    assert.notEqual(order.id, money.id)
    const again = await registry.register(
      { type: SchemaType.PROTOBUF, schema: ORDER_PROTO, references: [MONEY_REF] },
      { subject: 'npm-orders-value' }
    )
    assert.equal(again.id, order.id)
    const byId = await getJson(`${base}/schemas/ids/${order.id}`)
    assert.equal(byId.schemaType, 'PROTOBUF')
    assert.deepEqual(byId.references, [MONEY_REF])
    assert.equal(await registry.getLatestSchemaId('npm-orders-value'), order.id)
  },
  async 'protobuf npm encode: no message indexes; codec decodes once [0] is put in' () {
    const id = await registry.getLatestSchemaId('npm-orders-value')
    const bytes = await registry.encode(id, { name: 'from-node', vip: true })
    assert.equal(bytes[0], 0)
    assert.equal(bytes.readInt32BE(1), id)
    // field 1 (name), length 9: the protobuf bytes start right after the id
    assert.deepEqual([...bytes.subarray(5, 7)], [0x0a, 9])
    assert.deepEqual(plain(await registry.decode(bytes)), { name: 'from-node', vip: true })
    const file = path.join(tmp, 'node.pb')
    fs.writeFileSync(file, bytes)
    // 0a read as an index count (zig-zag 5), then 09 'f' 'r' 'o' 'm' as the indexes
    assert.match(codecError('decode', 'protobuf', base, file), /InvalidMessageIndexes \{ indexes: \[-5, 51, 57, -56, -55\]/)
    const framed = Buffer.concat([bytes.subarray(0, 5), Buffer.from([0]), bytes.subarray(5)])
    fs.writeFileSync(file, framed)
    assert.deepEqual(JSON.parse(codec('decode', 'protobuf', base, file)), {
      type: 'interop.orders.Customer',
      value: { name: 'from-node', vip: true }
    })
  },
  async 'protobuf codec encode of the first message decodes with npm' () {
    const file = path.join(tmp, 'rust-customer.pb')
    codec('encode', 'protobuf', base, 'npm-codec-customer', file, 'interop.orders.Customer')
    const bytes = fs.readFileSync(file)
    const id = bytes.readInt32BE(1)
    assert.equal(bytes[5], 0) // indexes [0]
    // the codec registered the descriptor and its import; npm reads the served text forms
    const byId = await getJson(`${base}/schemas/ids/${id}`)
    assert.deepEqual(byId.references, [MONEY_REF])
    assert.match(byId.schema, /message Customer/)
    assert.equal(await registry.getLatestSchemaId('npm-codec-customer-value'), id)
    assert.deepEqual(plain(await registry.decode(bytes)), { name: 'from-rust', vip: true })
  },
  async 'protobuf codec encode of a later message: npm ignores the indexes' () {
    const file = path.join(tmp, 'rust-order.pb')
    codec('encode', 'protobuf', base, 'npm-codec-order', file)
    const bytes = fs.readFileSync(file)
    assert.deepEqual([...bytes.subarray(5, 7)], [2, 2]) // indexes [1]: Order
    assert.equal(JSON.parse(codec('decode', 'protobuf', base, file)).type, 'interop.orders.Order')
    // npm reads 02 02 and the Order's bytes as a Customer: 02 = field 0, length-delimited,
    // skips 2 bytes, then meets a tag with wire type 7
    await assert.rejects(registry.decode(bytes), /invalid wire type 7 at offset 5/)
  },
  async 'unknown id is a Confluent 40403' () {
    await assert.rejects(registry.getSchema(999999), (error) => error.status === 404)
  }
}

;(async () => {
  let passed = 0
  let failed = 0
  for (const [name, run] of Object.entries(cases)) {
    try {
      await run()
      passed += 1
      console.log(`ok   ${name}`)
    } catch (error) {
      failed += 1
      console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`)
    }
  }
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
})()
