#!/usr/bin/env node
// The `ceiling` command of the npm package: it runs the native binary that npm installed for this
// machine as one of the package's optionalDependencies, `@ceiling/cli-<platform>-<arch>[-musl]`
// (the pattern of biome and oxlint: npm skips the packages whose `os`, `cpu` and `libc` don't match).
"use strict";

const { spawn } = require("node:child_process");
const { optionalDependencies } = require("../package.json");

// A musl Node (Alpine) reports no glibc version in its diagnostic report; asking it is cheaper and
// surer than running `ldd --version`.
function isMusl() {
  if (process.platform !== "linux" || !process.report) return false;
  try {
    process.report.excludeNetwork = true; // the report would otherwise resolve the host's interfaces
    return !process.report.getReport().header.glibcVersionRuntime;
  } catch {
    return false;
  }
}

function platformPackage() {
  return `@ceiling/cli-${process.platform}-${process.arch}${isMusl() ? "-musl" : ""}`;
}

// The binary to run, or an Error that says why there is none. CEILING_BINARY names one by hand,
// for a platform with no package (build it with `cargo install --path crates/ceiling`).
function resolveBinary() {
  if (process.env.CEILING_BINARY) return process.env.CEILING_BINARY;
  const name = platformPackage();
  if (!Object.prototype.hasOwnProperty.call(optionalDependencies, name)) {
    const supported = Object.keys(optionalDependencies).map((dep) => dep.replace("@ceiling/cli-", ""));
    return new Error(
      `no prebuilt binary for ${process.platform}-${process.arch}${isMusl() ? " (musl)" : ""}: ` +
        `the npm package ships ${supported.join(", ")}. ` +
        "Build it from a checkout of the repository with `cargo install --path crates/ceiling` and set CEILING_BINARY to its path.",
    );
  }
  const file = process.platform === "win32" ? "ceiling.exe" : "ceiling";
  try {
    return require.resolve(`${name}/${file}`);
  } catch {
    return new Error(
      `the package ${name}, which holds the binary for this platform, is not installed. ` +
        "Optional dependencies were probably left out (--omit=optional, --no-optional): reinstall `ceiling` with them.",
    );
  }
}

function main() {
  const binary = resolveBinary();
  if (binary instanceof Error) {
    console.error(`ceiling: ${binary.message}`);
    process.exit(2); // ceiling's own code for a usage or I/O error
  }
  const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
  // Ctrl-C and a closed terminal reach the whole foreground group, the binary too, which cleans up
  // (`ceiling grow` removes its scratch database, `ceiling load` keeps its report on the first
  // Ctrl-C): the launcher waits for it rather than die first. A SIGTERM is sent to one process: pass it on.
  process.on("SIGINT", () => {});
  process.on("SIGHUP", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("error", (error) => {
    console.error(`ceiling: cannot run ${binary}: ${error.message}`);
    process.exit(2);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      // End the same way, so that the caller sees the signal and not a made-up exit code.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code);
  });
}

if (require.main === module) main();

module.exports = { platformPackage, resolveBinary };
