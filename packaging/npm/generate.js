#!/usr/bin/env node
// Writes the npm packages ready to `npm pack` or `npm publish`, from a freshly built binary:
//   <out>/ceiling            the launcher package, `packaging/npm/ceiling` with the version stamped
//   <out>/cli-<platform>     the platform package that holds the binary (`@ceiling/cli-<platform>`)
// The version is ceiling-cli's in Cargo.toml, so that npm, PyPI and cargo publish the same number.
//
//   node packaging/npm/generate.js --binary target/release/ceiling --out target/packaging/npm [--platform linux-x64]
//
// --platform defaults to this machine's; give it when the binary was cross-compiled for another.
"use strict";

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const repo = path.resolve(__dirname, "../..");
const template = path.join(__dirname, "ceiling");

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!["--binary", "--out", "--platform"].includes(flag) || value === undefined) {
      throw new Error(`usage: generate.js --binary FILE --out DIR [--platform NAME] (got ${flag})`);
    }
    out[flag.slice(2)] = value;
  }
  if (!out.binary || !out.out) throw new Error("usage: generate.js --binary FILE --out DIR [--platform NAME]");
  return out;
}

// cargo's own reading of the manifest, which resolves `version.workspace = true`.
function crateVersion() {
  const manifest = path.join(repo, "crates/ceiling/Cargo.toml");
  const metadata = JSON.parse(
    execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--manifest-path", manifest], {
      encoding: "utf8",
      maxBuffer: 64 << 20,
    }),
  );
  const pkg = metadata.packages.find((p) => p.name === "ceiling-cli");
  if (!pkg) throw new Error("cargo metadata lists no package ceiling-cli");
  return pkg.version;
}

// `linux-x64-musl` -> npm's `os`, `cpu` and `libc` fields, which make npm skip the package elsewhere.
function platformFields(platform) {
  const [os, cpu, libc] = platform.split("-");
  const fields = { os: [os], cpu: [cpu] };
  if (os === "linux") fields.libc = [libc === "musl" ? "musl" : "glibc"];
  return fields;
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function main() {
  const opts = args();
  const version = crateVersion();
  const launcher = JSON.parse(fs.readFileSync(path.join(template, "package.json"), "utf8"));
  const platform = opts.platform ?? require("./ceiling/bin/ceiling.js").platformPackage().replace("@ceiling/cli-", "");
  const name = `@ceiling/cli-${platform}`;
  if (!(name in launcher.optionalDependencies)) {
    throw new Error(`${name} is not among the launcher's optionalDependencies; add it to ${template}/package.json`);
  }

  // The launcher: the template as it is, every platform package pinned to this exact version.
  const launcherDir = path.join(opts.out, "ceiling");
  fs.rmSync(launcherDir, { recursive: true, force: true });
  fs.cpSync(template, launcherDir, { recursive: true });
  launcher.version = version;
  for (const dep of Object.keys(launcher.optionalDependencies)) launcher.optionalDependencies[dep] = version;
  writeJson(path.join(launcherDir, "package.json"), launcher);

  // The platform package: the binary and a manifest, no code.
  const platformDir = path.join(opts.out, `cli-${platform}`);
  const file = platform.startsWith("win32-") ? "ceiling.exe" : "ceiling";
  fs.rmSync(platformDir, { recursive: true, force: true });
  fs.mkdirSync(platformDir, { recursive: true });
  fs.copyFileSync(opts.binary, path.join(platformDir, file));
  fs.chmodSync(path.join(platformDir, file), 0o755);
  writeJson(path.join(platformDir, "package.json"), {
    name,
    version,
    description: `The ceiling binary for ${platform}, installed by the \`ceiling\` package.`,
    license: launcher.license,
    homepage: launcher.homepage,
    repository: { ...launcher.repository, directory: "packaging/npm" },
    ...platformFields(platform),
    files: [file],
    preferUnplugged: true,
  });
  fs.writeFileSync(
    path.join(platformDir, "README.md"),
    `# ${name}\n\nThe \`ceiling\` binary for ${platform}. Install [\`ceiling\`](https://www.npmjs.com/package/ceiling) instead: it picks this package on this platform.\n`,
  );
  console.log(`${launcherDir}\n${platformDir}`);
}

try {
  main();
} catch (error) {
  console.error(`generate.js: ${error.message}`);
  process.exit(2);
}
