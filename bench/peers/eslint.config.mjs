// ESLint flat config used by bench/scan-speed to time eslint beside ceiling: one rule,
// `no-await-in-loop` (the closest syntactic relative of ceiling's n-plus-one), on every JS and TS
// file, TypeScript and JSX parsed by @typescript-eslint/parser without type information.
//
// The parser is resolved from the peers directory that `bench/scan-speed --peers` installs
// (bench/.peers), or from $CEILING_BENCH_PEERS when set, so the linted tree needs no node_modules.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const peers = process.env.CEILING_BENCH_PEERS || fileURLToPath(new URL("../.peers/", import.meta.url));
const require = createRequire(join(peers, "package.json"));
const tsParser = await import(pathToFileURL(require.resolve("@typescript-eslint/parser")).href);

export default [
  {
    files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"],
    languageOptions: {
      parser: tsParser.default ?? tsParser,
      ecmaVersion: "latest",
      sourceType: "module",
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
    rules: { "no-await-in-loop": "error" },
  },
];
