// node validate-json.mjs SCHEMA FILE...: exit 0 when every FILE is valid against SCHEMA (JSON Schema draft-07), else
// print each file's errors and exit 1. The other *.schema.json files of SCHEMA's folder are loaded too, so that
// `$ref`s between them (db.schema.json → scan.schema.json#/definitions/finding) resolve offline. Strict mode: a
// schema with an unknown keyword, a type-less `properties` or a `required` property it never defines fails to
// compile (exit 2) instead of passing everything.
import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'

const [schemaArg, ...files] = process.argv.slice(2)
if (!schemaArg || files.length === 0) {
  console.error('usage: node validate-json.mjs SCHEMA FILE...')
  process.exit(2)
}

const readJson = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    console.error(`${path}: ${error.message}`)
    process.exit(2)
  }
}

const schemaPath = resolve(schemaArg)
const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true })
addFormats(ajv)
let validate
try {
  const folder = dirname(schemaPath)
  for (const name of readdirSync(folder).filter((name) => name.endsWith('.schema.json'))) {
    if (name !== basename(schemaPath)) ajv.addSchema(readJson(join(folder, name)))
  }
  validate = ajv.compile(readJson(schemaPath))
} catch (error) {
  console.error(`${schemaPath}: not a valid schema: ${error.message}`)
  process.exit(2)
}

let failed = 0
for (const file of files) {
  if (validate(readJson(file))) {
    console.log(`${file}: valid against ${basename(schemaPath)}`)
  } else {
    failed += 1
    const errors = validate.errors.map(
      ({ instancePath, message, params }) => `  ${instancePath || '/'}: ${message} ${JSON.stringify(params)}`,
    )
    console.error(`${file}: invalid against ${basename(schemaPath)}\n${errors.join('\n')}`)
  }
}
process.exit(failed ? 1 : 0)
