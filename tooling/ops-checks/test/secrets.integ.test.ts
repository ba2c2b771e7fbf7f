import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeInteg } from "@nbs/testenv";
import { beforeAll, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const LEFTHOOK = join(ROOT, "node_modules/.bin/lefthook");

interface Run {
  code: number;
  output: string;
}

function run(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * A scratch repository set up like nbs: the same .gitleaks.toml, lefthook.yml and scan script,
 * with the pre-commit hook installed by lefthook as `pnpm install` does (prepare).
 */
function scratchRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), "nbs-secrets-"));
  for (const file of [".gitleaks.toml", "lefthook.yml", "tooling/secrets/gitleaks.sh"]) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(ROOT, file), join(repo, file));
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@example.invalid");
  git("config", "user.name", "nbs test");
  git("add", ".");
  git("commit", "-q", "-m", "set-up", "--no-verify");
  execFileSync(LEFTHOOK, ["install"], { cwd: repo, stdio: "pipe" });
  return repo;
}

function plant(repo: string, file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), text);
}

const commitCount = (repo: string) =>
  Number(execFileSync("git", ["rev-list", "--count", "HEAD"], { cwd: repo, encoding: "utf8" }));
const commit = (repo: string, message: string, env: NodeJS.ProcessEnv = {}) =>
  run(repo, "git", ["commit", "-q", "-m", message], env);
const scan = (repo: string) =>
  run(ROOT, "bash", ["tooling/secrets/gitleaks.sh", "scan", "--repo", repo]);

// Secrets are made here, at run time: none is ever committed to nbs itself.
const password = () => `Pw${randomBytes(12).toString("hex")}`;
const awsSecretKey = () => randomBytes(30).toString("base64");

beforeAll(async () => {
  // build gitleaks once before the timed tests (first run on a machine: a minute or two)
  const built = await run(ROOT, "bash", ["tooling/secrets/gitleaks.sh", "path"]);
  expect(built.code, built.output).toBe(0);
}, 600_000);

describeInteg("the secrets guard", () => {
  it("blocks a commit of a planted Neo4j password and names the file and line", async () => {
    const repo = scratchRepo();
    plant(
      repo,
      "deploy/neo4j.env",
      `# Neo4j\nNEO4J_URI=bolt://db:7687\nNEO4J_PASSWORD=${password()}\n`,
    );
    await run(repo, "git", ["add", "."]);
    const result = await commit(repo, "add env");
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("deploy/neo4j.env");
    expect(result.output).toMatch(/Line:\s+3/);
    expect(result.output).toMatch(/RuleID:\s+nbs-secret-env\b/);
    expect(commitCount(repo)).toBe(1);
    rmSync(repo, { recursive: true, force: true });
  });

  it("blocks a commit of a planted AWS secret access key without printing it", async () => {
    const repo = scratchRepo();
    const secret = awsSecretKey();
    plant(repo, "ci/aws.yaml", `region: eu-west-1\naws_secret_access_key: ${secret}\n`);
    await run(repo, "git", ["add", "."]);
    const result = await commit(repo, "add aws config");
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("ci/aws.yaml");
    expect(result.output).toMatch(/Line:\s+2/);
    expect(result.output).toContain("aws-secret-access-key");
    expect(result.output).not.toContain(secret);
    expect(commitCount(repo)).toBe(1);
    rmSync(repo, { recursive: true, force: true });
  });

  it("lets references, placeholders and empty values through, in the hook and the scan", async () => {
    const repo = scratchRepo();
    plant(
      repo,
      "examples.env",
      [
        "NEO4J_PASSWORD=${NEO4J_PASSWORD}",
        "NEO4J_PASSWORD=",
        "NEO4J_PASSWORD=<password>",
        "NEO4J_PASSWORD=…",
        'NEO4J_PASSWORD="$(cat /run/secrets/neo4j)"',
        "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}",
        "",
      ].join("\n"),
    );
    plant(
      repo,
      ".github/workflows/backup.yml",
      "env:\n  NEO4J_PASSWORD: ${{ secrets.NEO4J_PASSWORD }}\n  NEO4J_AUTH: neo4j/${NEO4J_PASSWORD}\n",
    );
    await run(repo, "git", ["add", "."]);
    const result = await commit(repo, "examples");
    expect(result.code, result.output).toBe(0);
    const scanned = await scan(repo);
    expect(scanned.code, scanned.output).toBe(0);
    rmSync(repo, { recursive: true, force: true });
  });

  it("pnpm secrets:scan finds a secret that is only in the history, and one not yet committed", async () => {
    const repo = scratchRepo();
    plant(repo, "old.env", `NEO4J_PASSWORD=${password()}\n`);
    await run(repo, "git", ["add", "."]);
    expect((await commit(repo, "leak", { LEFTHOOK: "0" })).code).toBe(0); // hook skipped
    rmSync(join(repo, "old.env"));
    await run(repo, "git", ["add", "-A"]);
    expect((await commit(repo, "remove")).code).toBe(0);

    const history = await scan(repo);
    expect(history.code).toBe(1);
    expect(history.output).toContain("old.env");
    expect(history.output).toMatch(/Commit:\s+[0-9a-f]{40}/);

    rmSync(join(repo, ".git"), { recursive: true, force: true });
    execFileSync("git", ["init", "-q"], { cwd: repo });
    plant(repo, "new/untracked.env", `x=1\nNEO4J_PASSWORD=${password()}\n`);
    const tree = await scan(repo);
    expect(tree.code).toBe(1);
    expect(tree.output).toContain("new/untracked.env");
    expect(tree.output).toMatch(/Line:\s+2/);
    rmSync(repo, { recursive: true, force: true });
  });
});
