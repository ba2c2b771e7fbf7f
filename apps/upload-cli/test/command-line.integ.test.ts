import { EXIT_CODES_HELP } from "@nbs/cli-kit";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { upload as runCli } from "@nbs/testenv/run-cli";

const SCRIPTS = fileURLToPath(new URL("../../../scripts/neo4j/", import.meta.url));

// Through the built entry and the shell entry points (no services needed; in the integ tier
// because they need dist/).
describe("nbs-upload command line", () => {
  it.each([
    [
      ["--file", "/nonexistent.dump", "--bucket", "b", "--prefix", "a", "--prefix", "b"],
      "--prefix",
    ],
    [["dump", "--out-dir", "/nonexistent", "--dry-run", "--dry-run"], "--dry-run"],
  ])("refuses a flag given twice with exit 2, before any work: %j", async (args, flag) => {
    const run = await runCli(args, {});
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `nbs-upload: ${flag} was given more than once\n` +
        "  hint: give each flag once (nbs options take one value); see nbs-upload --help\n",
    );
  });

  it.each([[["--help"]], [["upload", "--help"]], [["dump", "--help"]], [["retention", "--help"]]])(
    "ends %j with the exit codes, once",
    async (args) => {
      const run = await runCli(args, {});
      expect(run.code).toBe(0);
      expect(run.stdout.endsWith(`\n\n${EXIT_CODES_HELP}\n`)).toBe(true);
      expect(run.stdout.split("Exit codes:")).toHaveLength(2);
    },
  );

  it.each(["backup.sh", "upload_backup_to_s3.sh"])(
    "scripts/neo4j/%s --help ends with the exit codes",
    (script) => {
      const run = spawnSync("bash", [`${SCRIPTS}${script}`, "--help"], { encoding: "utf8" });
      expect(run.status).toBe(0);
      expect(run.stdout.endsWith(`\n\n${EXIT_CODES_HELP}\n`)).toBe(true);
    },
  );
});
