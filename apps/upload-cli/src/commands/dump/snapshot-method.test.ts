import {
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "@nbs/testenv/doubles";
import { main } from "../../main.js";

/** A running Neo4j home whose bin scripts log their arguments and whose dump writes a file. */
function fakeHome() {
  const home = mkdtempSync(join(tmpdir(), "nbs-snapshot-home-"));
  const calls = join(home, "calls.log");
  for (const dir of ["bin", "lib", "conf", "data/databases/neo4j", "data/transactions/neo4j"])
    mkdirSync(join(home, dir), { recursive: true });
  const script = (answer: string) =>
    `#!/bin/sh\necho "$(basename "$0") $*" >>"${calls}"\n${answer}\n`;
  writeFileSync(
    join(home, "bin", "neo4j-admin"),
    script(
      'for a in "$@"; do case "$a" in --to-path=*) printf DZV1-data >"${a#--to-path=}/neo4j.dump";; esac; done',
    ),
  );
  writeFileSync(join(home, "bin", "neo4j"), script("exit 0"));
  chmodSync(join(home, "bin", "neo4j-admin"), 0o755);
  chmodSync(join(home, "bin", "neo4j"), 0o755);
  writeFileSync(join(home, "lib", "neo4j-kernel-5.26.30.jar"), "");
  writeFileSync(join(home, "data", "databases", "neo4j", "neostore"), "store");
  return { home, calls: () => readFileSync(calls, "utf8") };
}

/** Whether `dir`'s filesystem clones files (FICLONE), asked as the snapshot asks. */
function clones(dir: string): boolean {
  writeFileSync(join(dir, ".probe"), "x");
  try {
    copyFileSync(join(dir, ".probe"), join(dir, ".probe-clone"), constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  }
}

describe("nbs-upload dump --snapshot auto", () => {
  it("says in its log and its --json result whether the store was cloned or copied", async () => {
    const { home, calls } = fakeHome();
    const outDir = mkdtempSync(join(tmpdir(), "nbs-snapshot-out-"));
    const staging = mkdtempSync(join(tmpdir(), "nbs-snapshot-staging-"));
    const method = clones(outDir) ? "reflink" : "copy";
    const { code, out, err } = await runMain(
      main,
      [
        "dump",
        "--out-dir",
        outDir,
        "--snapshot",
        "auto",
        "--snapshot-dir",
        staging,
        "--json",
        "--state-dir",
        mkdtempSync(join(tmpdir(), "nbs-snapshot-state-")),
      ],
      { NEO4J_HOME: home },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ snapshot: { mode: "auto", method } });
    const copy = err
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e["event"] === "dump.step" && e["step"] === "copy");
    expect(copy).toMatchObject({ level: "info", ok: true, method });
    expect(calls()).toMatch(/^neo4j stop/m);
  });
});
