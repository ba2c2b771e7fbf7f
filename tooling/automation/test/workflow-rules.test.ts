import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../src/run.ts";

// What act cannot show about the workflows (it ignores `environment:` and replaces the setup
// actions with stand-ins), read from the YAML itself. See docs/automation.md.
const BACKUP = ".github/workflows/neo4j-backup-sync.yml";
const VERIFY = ".github/workflows/neo4j-verify-restore.yml";
const CI = ".github/workflows/ci.yml";
const STATUS = ".github/workflows/neo4j-backup-status.yml";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  steps?: Step[];
}
const jobs = (file: string): Record<string, Job> =>
  (parse(readFileSync(join(repoRoot, file), "utf8")) as { jobs: Record<string, Job> }).jobs;
const text = (file: string) => readFileSync(join(repoRoot, file), "utf8");

/**
 * The environment a job runs in, for a live and for a dry run. Understands a literal name and
 * the one expression the backup workflow uses: `${{ needs.plan.outputs.live == 'true' && 'X' || '' }}`.
 */
function environmentOf(job: Job, live: boolean): string {
  const env = typeof job.environment === "object" ? job.environment.name : (job.environment ?? "");
  const m =
    /^\$\{\{\s*needs\.plan\.outputs\.live == 'true' && '([^']*)' \|\| '([^']*)'\s*\}\}$/.exec(env);
  if (m) return live ? m[1]! : m[2]!;
  if (env.includes("${{")) throw new Error(`cannot evaluate environment ${env}`);
  return env;
}

describe("live mode runs only in the protected environment `backups` (issue 20, items 1 and 5)", () => {
  it.each([BACKUP, VERIFY, STATUS])(
    "%s: every job that can get AWS credentials or a secret runs in `backups` when live",
    (file) => {
      for (const [name, job] of Object.entries(jobs(file))) {
        const oidc = job.permissions?.["id-token"] === "write";
        const secrets = JSON.stringify(job.steps ?? []).includes("secrets.");
        if (!oidc && !secrets) continue;
        expect(environmentOf(job, true), `${file} job ${name}`).toBe("backups");
      }
    },
  );

  it("a dry run of the backup workflow uses no environment (it runs from any branch, with no secret)", () => {
    expect(environmentOf(jobs(BACKUP)["backup"]!, false)).toBe("");
  });

  it.each([BACKUP, VERIFY, STATUS])("%s: secrets are read only inside the environment", (file) => {
    for (const [name, job] of Object.entries(jobs(file))) {
      if (!JSON.stringify(job).includes("secrets.")) continue;
      expect(
        job.environment,
        `${file} job ${name} reads a secret outside an environment`,
      ).toBeDefined();
    }
  });
});

describe("the prune job (issue 21)", () => {
  const prune = jobs(BACKUP)["prune"] as Job & { needs?: string[]; if?: string };

  it("runs only after every backup succeeded, live, with its own role", () => {
    expect(prune.needs).toEqual(["plan", "backup"]);
    expect(prune.if).toBe(
      "success() && needs.plan.outputs.live == 'true' && vars.NBS_PRUNE_ROLE_ARN != ''",
    );
    const creds = (prune.steps ?? []).find((s) =>
      s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
    );
    expect(creds?.with?.["role-to-assume"]).toBe("${{ vars.NBS_PRUNE_ROLE_ARN }}");
  });

  it("deletes only when NBS_PRUNE_APPLY is true (a plan otherwise)", () => {
    const step = (prune.steps ?? []).find((s) => s.run?.includes("prune_backups.sh"));
    expect(step?.env?.["APPLY"]).toBe("${{ vars.NBS_PRUNE_APPLY }}");
    expect(step?.run).toContain('if [ "$APPLY" = true ]; then args+=(--apply); fi');
  });
});

describe("Java and Neo4j versions (issue 20, item 13)", () => {
  const workflows = readdirSync(join(repoRoot, ".github/workflows")).map(
    (f) => `.github/workflows/${f}`,
  );
  it.each(workflows)("%s: every setup-java installs Java 21 (Neo4j 2025.x needs it)", (file) => {
    const steps = Object.values(jobs(file)).flatMap((j) => j.steps ?? []);
    for (const step of steps.filter((s) => s.uses?.startsWith("actions/setup-java@"))) {
      expect(String(step.with?.["java-version"])).toBe("21");
    }
  });

  it.each([BACKUP, VERIFY])(
    "%s: the step that installs Neo4j gets the production version (vars.NEO4J_VERSION)",
    (file) => {
      const steps = Object.values(jobs(file)).flatMap((j) => j.steps ?? []);
      const installs = steps.filter((s) => /services\.sh up|neo4j-install\.sh/.test(s.run ?? ""));
      expect(installs.length).toBeGreaterThan(0);
      for (const step of installs) {
        expect(step.env?.["NEO4J_VERSION"]).toBe("${{ vars.NEO4J_VERSION }}");
      }
    },
  );
});

describe("the secrets scan sees the whole history (issue 20, item 3)", () => {
  it("ci.yml checks out every commit for the job that runs .ci/run (its gitleaks scan)", () => {
    const scanning = Object.entries(jobs(CI)).filter(([, job]) =>
      (job.steps ?? []).some((s) => /\.ci\/run|secrets:scan|gitleaks\.sh scan/.test(s.run ?? "")),
    );
    expect(scanning.length).toBeGreaterThan(0);
    for (const [name, job] of scanning) {
      const checkout = (job.steps ?? []).find((s) => s.uses?.startsWith("actions/checkout@"));
      expect(checkout?.with?.["fetch-depth"], `ci.yml job ${name}`).toBe(0);
    }
  });
});

describe("one name for each role variable everywhere (issue 20, item 8)", () => {
  // AWS_ROLE_ARN is the AWS SDK's own variable (web identity from a token file), not ours.
  const roleNames = (file: string) =>
    [...text(file).matchAll(/\b[A-Z][A-Z0-9_]*ROLE_ARN\b/g)]
      .map((m) => m[0])
      .filter((n) => n !== "AWS_ROLE_ARN");
  const terraform = (): string[] => {
    const dir = "config/aws/terraform";
    return readdirSync(join(repoRoot, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".tf"))
      .map((f) => `${dir}/${f}`);
  };
  const NAMES = ["NBS_PRUNE_ROLE_ARN", "NBS_UPLOAD_ROLE_ARN", "NBS_VERIFY_ROLE_ARN"];

  it.each([
    [BACKUP, ["NBS_PRUNE_ROLE_ARN", "NBS_UPLOAD_ROLE_ARN"]],
    [VERIFY, ["NBS_VERIFY_ROLE_ARN"]],
    [STATUS, ["NBS_VERIFY_ROLE_ARN"]],
    ["docs/neo4j/server.md", NAMES],
    ["docs/automation.md", NAMES],
    ["config/README.md", NAMES],
  ])("%s names exactly %j", (file, expected) => {
    expect([...new Set(roleNames(file))].sort()).toEqual(expected);
  });

  it("the Terraform outputs name the same three variables", () => {
    const names = terraform().flatMap(roleNames);
    expect([...new Set(names)].sort()).toEqual(NAMES);
  });
});

describe("the status workflow is a signal of its own (issue 22)", () => {
  const wf = parse(text(STATUS)) as {
    on: { schedule?: Array<{ cron: string }> };
    jobs: Record<string, Job & { "runs-on": string; if?: string }>;
  };
  it("runs on its own schedule, GitHub-hosted unless NBS_STATUS_RUNNER says otherwise", () => {
    expect(wf.on.schedule?.length).toBeGreaterThan(0);
    expect(wf.jobs["status"]!["runs-on"]).toBe("${{ vars.NBS_STATUS_RUNNER || 'ubuntu-latest' }}");
    expect(JSON.stringify(wf.jobs["status"]!.steps)).toContain("scripts/neo4j/backup_status.sh");
  });

  it("alerts through the backup workflow's webhook, and only the keepalive job may enable workflows", () => {
    const notify = wf.jobs["status"]!.steps!.find((s) => s.env?.["NBS_NOTIFY_WEBHOOK"]);
    expect(notify?.env?.["NBS_NOTIFY_WEBHOOK"]).toBe("${{ secrets.NBS_NOTIFY_WEBHOOK }}");
    expect(notify?.run).toContain("scripts/neo4j/_sync_result.mjs");
    expect(wf.jobs["status"]!.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(wf.jobs["keepalive"]!.permissions).toEqual({ actions: "write" });
    expect(wf.jobs["keepalive"]!.if).toBe("github.event_name == 'schedule'");
    for (const file of [BACKUP, VERIFY, STATUS])
      expect(wf.jobs["keepalive"]!.steps![0]!.run).toContain(file.split("/").pop());
  });
});
