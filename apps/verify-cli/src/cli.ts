#!/usr/bin/env node
import { enableUserCompileCache } from "@nbs/cli-kit/compile-cache";

// Before main is imported, so main's chunks come from the code cache (see enableUserCompileCache).
enableUserCompileCache();
const { main } = await import("./main.js");

// The only place that exits: after the final event has been written.
const code = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exit(code);
