// node validate.mjs FILE...: exit 0 when every file is valid SARIF 2.1.0, else print the errors and exit 1.
import { readFileSync } from 'node:fs'
import Ajv from 'ajv-draft-04'
import addFormats from 'ajv-formats'

const schemaPath = new URL(
  './node_modules/@microsoft/sarif-matcher-utils/lib/schemas/sarif-2.1.0-rtm.5.json',
  import.meta.url,
)
// The official schema has a pattern (`language`) that is invalid with the `u` flag; it is read as written.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
addFormats(ajv)
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')))
let failed = 0
for (const file of process.argv.slice(2)) {
  if (validate(JSON.parse(readFileSync(file, 'utf8')))) {
    console.log(`${file}: valid SARIF 2.1.0`)
  } else {
    failed += 1
    console.error(`${file}: ${JSON.stringify(validate.errors, null, 2)}`)
  }
}
process.exit(failed ? 1 : 0)
