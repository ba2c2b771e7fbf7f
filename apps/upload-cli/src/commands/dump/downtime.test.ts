import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { estimateDowntime } from "./downtime-plan.js";
import { runMain } from "@nbs/testenv/doubles";
import { main } from "../../main.js";

/** A Neo4j home whose bin scripts log their arguments; its store holds `storeMiB` MiB. */
function fakeHome(storeMiB: number) {
  const home = mkdtempSync(join(tmpdir(), "nbs-downtime-home-"));
  const calls = join(home, "calls.log");
  for (const dir of ["bin", "lib", "conf", "data/databases/neo4j", "data/transactions/neo4j"])
    mkdirSync(join(home, dir), { recursive: true });
  const script = (answer: string) =>
    `#!/bin/sh\necho "$(basename "$0") $*" >>"${calls}"\n${answer}\n`;
  writeFileSync(join(home, "bin", "neo4j-admin"), script('[ "$1" = --version ] && echo 5.26.30'));
  writeFileSync(join(home, "bin", "neo4j"), script('[ "$1" = status ] && exit 0; exit 0'));
  chmodSync(join(home, "bin", "neo4j-admin"), 0o755);
  chmodSync(join(home, "bin", "neo4j"), 0o755);
  writeFileSync(join(home, "lib", "neo4j-kernel-5.26.30.jar"), "");
  writeFileSync(
    join(home, "data", "databases", "neo4j", "neostore"),
    Buffer.alloc(storeMiB * 1024 * 1024),
  );
  // No file yet when nothing ran (the version comes from the kernel jar).
  return { home, calls: () => (existsSync(calls) ? readFileSync(calls, "utf8") : "") };
}

const run = (argv: string[], env: Record<string, string> = {}) => runMain(main, argv, env);

describe("nbs-upload dump --max-downtime", () => {
  it("refuses before the stop with exit 2 and the estimate when the last recorded rate says the stop would last longer", async () => {
    const { home, calls } = fakeHome(4);
    const stateDir = mkdtempSync(join(tmpdir(), "nbs-downtime-state-"));
    // Last time, 2 MiB of store kept this server down for 30 s: 4 MiB now, about 60 s.
    writeFileSync(
      join(stateDir, "downtime.json"),
      JSON.stringify({
        [`${home}|neo4j|dump`]: {
          store_bytes: 2 * 1024 * 1024,
          downtime_ms: 30_000,
          at: "2026-12-01T02:00:00.000Z",
        },
      }),
    );
    const outDir = mkdtempSync(join(tmpdir(), "nbs-downtime-out-"));
    const { code, err } = await run(
      ["dump", "--out-dir", outDir, "--max-downtime", "45s", "--state-dir", stateDir],
      { NEO4J_HOME: home },
    );
    expect(code).toBe(2);
    const last = JSON.parse(err.trim().split("\n").at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ code: "DOWNTIME_LIMIT_EXCEEDED", exit_code: 2 });
    expect(last["message"]).toMatch(
      /^estimated downtime 60\.0 s exceeds --max-downtime 45\.0 s \(store 4 MiB at the rate of the 2026-12-01T02:00:00.000Z dump: 2 MiB in 30\.0 s\)$/,
    );
    expect(calls()).not.toMatch(/^neo4j stop/m);
  });

  it("goes ahead, with a warning, when no downtime was recorded yet", async () => {
    const { home, calls } = fakeHome(1);
    const stateDir = mkdtempSync(join(tmpdir(), "nbs-downtime-state-"));
    const outDir = mkdtempSync(join(tmpdir(), "nbs-downtime-out-"));
    const { err } = await run(
      ["dump", "--out-dir", outDir, "--max-downtime", "45s", "--state-dir", stateDir],
      { NEO4J_HOME: home },
    );
    expect(err).toContain('"event":"dump.downtime.unknown"');
    expect(calls()).toMatch(/^neo4j stop/m);
  });
});

describe("estimateDowntime", () => {
  it("scales the last window by store size", () => {
    const at = "2026-12-01T02:00:00.000Z";
    expect(estimateDowntime({ store_bytes: 100, downtime_ms: 1000, at }, 250)).toBe(2500);
    expect(estimateDowntime(undefined, 250)).toBeUndefined();
    expect(estimateDowntime({ store_bytes: 0, downtime_ms: 1000, at }, 250)).toBe(1000);
  });
});
