#!/usr/bin/env node
import { startCli } from "@nbs/cli-kit/startup";

// startCli checks the Node version and turns on the compile cache before main is imported.
await startCli("nbs-verify", () => import("./main.js"));
