#!/usr/bin/env node
import { enableUserCompileCache, unsupportedNode } from "@nbs/cli-kit/startup";

// Before main is imported: on an old Node, main's chunks would fail to load with a less helpful error.
const tooOld = unsupportedNode("nbs-verify");
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(2); // a configuration error (exit codes: README)
}
// Also before main, so main's chunks come from the code cache (see enableUserCompileCache).
enableUserCompileCache();
const { main } = await import("./main.js");

// The only place that exits: after the final event has been written.
const code = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exit(code);
