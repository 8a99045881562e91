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
const USER_BROKEN = '{"type":"record","name":"User","namespace":"npm","fields":[{"name":"name","type":"int"}]}'

const registry = new SchemaRegistry({ host: base })
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-interop-'))
// avsc decodes records into instances of generated classes; compare their plain fields.
const plain = (value) => JSON.parse(JSON.stringify(value))
const codec = (...args) => execFileSync(codecBin, args, { encoding: 'utf8', timeout: 120000 })

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
