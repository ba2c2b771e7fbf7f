import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  "timeout-minutes"?: number;
  steps?: Step[];
}

/** The default of a Terraform variable, read from its declaration. */
function terraformDefault(file: string, name: string): number {
  const text = readFileSync(ROOT + file, "utf8");
  const block = new RegExp(`variable "${name}" \\{[\\s\\S]*?default\\s*=\\s*(\\d+)`).exec(text);
  if (!block) throw new Error(`${file}: variable ${name} has no numeric default`);
  return Number(block[1]);
}

const WORKFLOWS = ["neo4j-backup-sync.yml", "neo4j-verify-restore.yml"];
const credentialSteps = WORKFLOWS.flatMap((file) => {
  const doc = parse(readFileSync(`${ROOT}.github/workflows/${file}`, "utf8")) as {
    jobs: Record<string, Job>;
  };
  return Object.entries(doc.jobs).flatMap(([name, job]) =>
    (job.steps ?? [])
      .filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))
      .map((step) => ({ where: `${file} ${name}`, job, step })),
  );
});

describe("AWS session length against the job timeout", () => {
  const maxSession = Math.min(
    terraformDefault("config/aws/terraform/variables.tf", "max_session_duration"),
    terraformDefault(
      "config/aws/terraform/modules/environment/variables.tf",
      "max_session_duration",
    ),
  );

  it("finds the credential steps of the backup and verify jobs", () => {
    expect(credentialSteps.map((c) => c.where)).toEqual([
      "neo4j-backup-sync.yml backup",
      "neo4j-backup-sync.yml prune",
      "neo4j-verify-restore.yml verify",
    ]);
  });

  it.each(credentialSteps)(
    "$where asks for a session that lasts the whole job and that the roles grant",
    ({ job, step }) => {
      const seconds = Number(step.with?.["role-duration-seconds"]);
      expect(seconds).toBeGreaterThanOrEqual((job["timeout-minutes"] ?? 360) * 60);
      expect(seconds).toBeLessThanOrEqual(maxSession);
    },
  );
});
