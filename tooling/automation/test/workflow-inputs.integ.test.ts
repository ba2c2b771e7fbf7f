import { existsSync, readdirSync } from "node:fs";
import { describeInteg } from "@nbs/testenv";
import { afterAll, beforeAll, expect, it } from "vitest";
import { removeActRuns, runAct } from "../src/act.ts";
import { baseEnv, run } from "../src/run.ts";

// The workflows' inputs and variables under act (host mode, no services needed): a database
// name that is not Neo4j's stops the plan job before any job uses it in a path or artifact
// name (issue 20, item 7), and verify-restore installs the Neo4j of vars.NEO4J_VERSION
// (item 13). See docs/automation.md.
const BACKUP = ".github/workflows/neo4j-backup-sync.yml";
const VERIFY = ".github/workflows/neo4j-verify-restore.yml";

beforeAll(async () => {
  const tools = await run(
    "bash",
    [
      "-c",
      "source tooling/services/lib.sh && source tooling/automation/tools.sh && automation_tools",
    ],
    baseEnv(),
  );
  expect(tools.code, tools.stderr).toBe(0);
}, 900_000);

afterAll(() => removeActRuns());

const artifacts = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describeInteg("the workflows' plan jobs and variables under act", () => {
  it.each([
    [BACKUP, { dry_run: "true", databases: "neo4j,../.." }, "../.."],
    [VERIFY, { mode: "checksum", databases: "../../runner" }, "../../runner"],
    [BACKUP, { dry_run: "true", databases: "neo4j .hidden" }, ".hidden"],
  ])(
    "%s with databases %j: the plan job refuses the name and no job runs",
    async (workflow, inputs, bad) => {
      const act = await runAct({ workflow, event: "workflow_dispatch", inputs });
      expect(act.code).not.toBe(0);
      // The plan step exits 2 with the reason as an ::error:: line; act at times drops a step's
      // last output line when the step exits at once (seen once here), so the step's
      // exit status 2 stands for it then. No job after the plan runs either way.
      expect(act.stdout).toMatch(
        new RegExp(
          `"${bad.replaceAll(".", "\\.")}" is not a Neo4j database name|/plan\\] exit status 2`,
        ),
      );
      expect(act.stdout).not.toMatch(/Install and build nbs/);
      expect(artifacts(act.artifacts)).toEqual([]);
    },
  );

  it("verify-restore installs the Neo4j version named by vars.NEO4J_VERSION", async () => {
    const version = "0.0.0-nbs-no-such-version";
    const act = await runAct({
      workflow: VERIFY,
      event: "workflow_dispatch",
      inputs: { mode: "load", databases: "neo4j" },
      vars: { NEO4J_VERSION: version },
    });
    expect(act.code).not.toBe(0);
    // the install step asked Maven Central for exactly that version, and the job stopped there
    expect(act.stdout).toContain(`could not resolve org.neo4j:neo4j:${version}`);
    expect(act.stdout).not.toContain("AssumeRoleWithWebIdentity");
  });
});
