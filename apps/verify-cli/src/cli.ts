#!/usr/bin/env node
import { main } from "./main.js";

// The only place that exits: after the final event has been written.
const code = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exit(code);
