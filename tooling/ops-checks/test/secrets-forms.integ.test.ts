import { execFile, execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeInteg } from "@nbs/testenv";
import { afterAll, beforeAll, expect, it } from "vitest";

// Every form of a Neo4j / MinIO / AWS secret the guard must catch (issue 20, item 4), each
// planted in a scratch repository set up like nbs: the commit is blocked by the pre-commit
// hook AND `gitleaks.sh scan` fails, naming the file. The references, placeholders and empty
// values next to them stay allowed. Passwords are ordinary ones (low entropy: gitleaks'
// generic rule does not see them), made at run time: none is ever committed to nbs.
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

const repos: string[] = [];
function scratchRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), "nbs-secret-forms-"));
  repos.push(repo);
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
const scan = (repo: string) =>
  run(ROOT, "bash", ["tooling/secrets/gitleaks.sh", "scan", "--repo", repo]);

const ORDINARY = ["letmein", "qwerty", "dragon", "monkey", "sunflower"];
/** An ordinary password, as people pick them: a word and digits (below gitleaks' entropy bar). */
const ordinary = () => `${ORDINARY[randomInt(ORDINARY.length)]}${randomInt(1000, 10_000)}`;
const awsKey = () => randomBytes(30).toString("base64"); // 40 characters

// [form, file, content, the rule that must name it]
const FORMS: Array<[string, string, (pw: string) => string, string]> = [
  ["JSON", "config/neo4j.json", (pw) => `{\n  "NEO4J_PASSWORD": "${pw}"\n}\n`, "nbs-secret-quoted"],
  [
    "YAML with a trailing comment",
    "deploy/values.yaml",
    (pw) => `env:\n  NEO4J_PASSWORD: ${pw} # prod\n`,
    "nbs-secret-yaml",
  ],
  [
    "a YAML flow map",
    "deploy/flow.yml",
    (pw) => `env: { NEO4J_URI: "bolt://db:7687", NEO4J_PASSWORD: ${pw} }\n`,
    "nbs-secret-yaml",
  ],
  [
    "lower case in code",
    "app/settings.py",
    (pw) => `neo4j_password = "${pw}"\n`,
    "nbs-secret-quoted",
  ],
  [
    "a Kubernetes env list",
    "k8s/deploy.yaml",
    (pw) => `env:\n  - name: NEO4J_PASSWORD\n    value: ${pw}\n`,
    "nbs-secret-k8s-env",
  ],
  [
    "a neo4j:// URI",
    "app/uri.txt",
    (pw) => `uri = "neo4j://neo4j:${pw}@db.example.com:7687"\n`,
    "neo4j-uri-credentials",
  ],
  [
    "a bolt+s:// URI",
    "app/uri2.txt",
    (pw) => `NEO4J_URI=bolt+s://neo4j:${pw}@db.example.com:7687\n`,
    "neo4j-uri-credentials",
  ],
  [
    "cypher-shell -p",
    "ops/check.sh",
    (pw) => `cypher-shell -a bolt://db:7687 -u neo4j -p ${pw} "RETURN 1"\n`,
    "cypher-shell-password",
  ],
  [
    "neo4j-admin set-initial-password",
    "ops/init.sh",
    (pw) => `neo4j-admin dbms set-initial-password ${pw}\n`,
    "neo4j-initial-password",
  ],
  [
    "MINIO_ROOT_PASSWORD=",
    "minio.env",
    (pw) => `MINIO_ROOT_USER=admin\nMINIO_ROOT_PASSWORD=${pw}\n`,
    "nbs-secret-env",
  ],
  [
    "MINIO_KMS_SECRET_KEY=",
    "kms.env",
    () => `MINIO_KMS_SECRET_KEY=nbs-backups:${randomBytes(32).toString("base64")}\n`,
    "nbs-secret-env",
  ],
  [
    "BACKUP_AWS_SECRET_ACCESS_KEY=",
    ".env.prod",
    () => `BACKUP_AWS_SECRET_ACCESS_KEY=${awsKey()}\n`,
    "aws-secret-access-key",
  ],
  [
    "NEO4J_PASSWORD= in an env file",
    "deploy/neo4j.env",
    (pw) => `NEO4J_PASSWORD=${pw}\n`,
    "nbs-secret-env",
  ],
];

beforeAll(async () => {
  const built = await run(ROOT, "bash", ["tooling/secrets/gitleaks.sh", "path"]);
  expect(built.code, built.output).toBe(0);
}, 600_000);

afterAll(() => {
  for (const repo of repos.splice(0)) rmSync(repo, { recursive: true, force: true });
});

describeInteg("the secrets guard catches every form", () => {
  it.each(FORMS)(
    "%s: the commit is blocked and the scan fails",
    async (_form, file, text, rule) => {
      const repo = scratchRepo();
      const pw = ordinary();
      plant(repo, file, text(pw));
      await run(repo, "git", ["add", "-f", "."]);
      const commit = await run(repo, "git", ["commit", "-q", "-m", "leak"]);
      expect(commit.code, commit.output).not.toBe(0);
      expect(commit.output).toContain(file);
      expect(commit.output).not.toContain(pw);
      expect(commitCount(repo)).toBe(1);
      const scanned = await scan(repo);
      expect(scanned.code, scanned.output).toBe(1);
      expect(scanned.output).toContain(file);
      expect(scanned.output).toMatch(new RegExp(`RuleID:\\s+${rule}\\b`));
      expect(scanned.output).not.toContain(pw);
    },
  );

  it("references, placeholders and empty values in the same notations stay allowed", async () => {
    const repo = scratchRepo();
    plant(
      repo,
      "deploy/values.yaml",
      [
        "env:",
        "  NEO4J_PASSWORD: ${{ secrets.NEO4J_PASSWORD }} # an environment secret",
        "  MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD}",
        "  AWS_SECRET_ACCESS_KEY: ${BACKUP_AWS_SECRET_ACCESS_KEY:-}",
        '  flow: { NEO4J_PASSWORD: "${NEO4J_PASSWORD}" }',
        "  - name: NEO4J_PASSWORD",
        "    valueFrom:",
        "      secretKeyRef: { name: neo4j, key: password }",
        "  NEO4J_PASSWORD:",
        '  NEO4J_PASSWORD: ""',
        "",
      ].join("\n"),
    );
    plant(
      repo,
      "deploy/example.env",
      "NEO4J_PASSWORD=\nMINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD}\nMINIO_KMS_SECRET_KEY=\nBACKUP_AWS_SECRET_ACCESS_KEY=\nNEO4J_PASSWORD=…\n",
    );
    plant(
      repo,
      "ops/check.sh",
      [
        'cypher-shell -u neo4j -p "$NEO4J_PASSWORD" "RETURN 1"',
        'neo4j-admin dbms set-initial-password "$NEO4J_PASSWORD"',
        'uri="neo4j://neo4j:${NEO4J_PASSWORD}@db:7687"',
        'uri2="bolt+s://neo4j:<password>@db:7687"',
        "",
      ].join("\n"),
    );
    plant(repo, "config/neo4j.json", '{ "NEO4J_PASSWORD": "${NEO4J_PASSWORD}", "x": "" }\n');
    await run(repo, "git", ["add", "."]);
    const commit = await run(repo, "git", ["commit", "-q", "-m", "examples"]);
    expect(commit.code, commit.output).toBe(0);
    const scanned = await scan(repo);
    expect(scanned.code, scanned.output).toBe(0);
  });

  it("refuses to scan a shallow clone on GitHub Actions, whose history is cut off; warns elsewhere", async () => {
    const repo = scratchRepo();
    plant(repo, "a.txt", "one\n");
    await run(repo, "git", ["add", "."]);
    expect((await run(repo, "git", ["commit", "-q", "-m", "two"])).code).toBe(0);
    const shallow = mkdtempSync(join(tmpdir(), "nbs-shallow-"));
    repos.push(shallow);
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo}`, shallow], {
      stdio: "pipe",
    });
    const scanned = await run(
      ROOT,
      "bash",
      ["tooling/secrets/gitleaks.sh", "scan", "--repo", shallow],
      { GITHUB_ACTIONS: "true" },
    );
    expect(scanned.code).toBe(2);
    expect(scanned.output).toContain("is a shallow clone");
    expect(scanned.output).toContain("fetch-depth: 0");
    // Off GitHub (a local `git clone --depth 1`), the clone's commits are scanned with a warning.
    const local = await run(
      ROOT,
      "bash",
      ["tooling/secrets/gitleaks.sh", "scan", "--repo", shallow],
      { GITHUB_ACTIONS: "" },
    );
    expect(local.code, local.output).toBe(0);
    expect(local.output).toContain("warning");
  });

  it(".gitignore keeps .env files (config/docker.yaml's secrets) out of git", () => {
    const ignored = (path: string) =>
      execFileSync("git", ["check-ignore", "--no-index", "-q", path], { cwd: ROOT, stdio: "pipe" });
    expect(() => ignored(".env")).not.toThrow();
    expect(() => ignored("config/.env")).not.toThrow();
    expect(() => ignored(".env.prod")).not.toThrow();
    expect(() => ignored(".env.example")).toThrow();
  });
});
