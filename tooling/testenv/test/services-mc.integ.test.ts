import { execFile } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInteg } from "../src/index.ts";
import { repoRoot } from "../src/services-env.ts";

const run = promisify(execFile);

/** A pin of tooling/services/minio.sh, read from the one place it is written. */
async function pin(name: "MINIO_PIN" | "MC_PIN"): Promise<string> {
  const script = await readFile(join(repoRoot, "tooling", "services", "minio.sh"), "utf8");
  const value = new RegExp(`^${name}="([^"]+)"`, "m").exec(script)?.[1];
  if (!value) throw new Error(`${name} not found in tooling/services/minio.sh`);
  return value;
}

// `dev.sh demo` starts MinIO with `services.sh up --no-mc` (mc takes a cold Go build the demo does
// not need); a later `up` (the tests') builds mc and sets it up for the server already running.
// A copy of tooling/services with its own state and cache (the real MinIO binary, linked in) and a
// `go` on PATH that records its calls and "builds" an mc that records its own.
describeInteg("services.sh up --no-mc (tooling/services)", () => {
  let dir: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  const services = (...args: string[]) =>
    run("bash", [join(root, "tooling", "services", "services.sh"), ...args], { env });
  const goCalls = async () => readFile(join(dir, "go.log"), "utf8").catch(() => "");
  const servicesEnv = async () => readFile(join(root, ".nbs", "services.env"), "utf8");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nbs-services-mc-"));
    root = join(dir, "repo");
    await cp(join(repoRoot, "tooling", "services"), join(root, "tooling", "services"), {
      recursive: true,
    });
    await cp(
      join(repoRoot, "tooling", "containers", "podman.sh"),
      join(root, "tooling", "containers", "podman.sh"),
    );
    const realCache = process.env["NBS_CACHE_DIR"] ?? join(homedir(), ".cache", "nbs");
    const minio = join(realCache, "minio", await pin("MINIO_PIN"), "bin", "minio");
    if (!existsSync(minio))
      throw new Error(`no MinIO binary at ${minio}: run \`pnpm services up\``);
    const cache = join(dir, "cache");
    await mkdir(join(cache, "minio", await pin("MINIO_PIN"), "bin"), { recursive: true });
    await symlink(minio, join(cache, "minio", await pin("MINIO_PIN"), "bin", "minio"));
    const bin = join(dir, "bin");
    await mkdir(bin);
    await writeFile(
      join(bin, "go"),
      [
        "#!/bin/sh",
        `echo "$*" >>'${dir}/go.log'`,
        '[ "$1" = install ] || exit 0',
        `printf '#!/bin/sh\\necho "$*" >>"${dir}/mc.log"\\n' >"$GOBIN/mc"`,
        'chmod +x "$GOBIN/mc"',
      ].join("\n"),
    );
    await chmod(join(bin, "go"), 0o755);
    env = { ...process.env, NBS_CACHE_DIR: cache, PATH: `${bin}:${process.env["PATH"]}` };
  });
  afterAll(async () => {
    if (root) await services("down", "minio").catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("starts MinIO without building mc, and leaves NBS_MC out of services.env", async () => {
    await services("up", "--no-mc", "minio");
    expect(await goCalls()).toBe("");
    const written = await servicesEnv();
    expect(written).toMatch(/^export BACKUP_S3_ENDPOINT='https:\/\/127\.0\.0\.1:\d+'$/m);
    expect(written).not.toMatch(/NBS_MC/);
    expect((await services("status").catch((e: { stdout: string }) => e)).stdout).toMatch(
      /^minio: running \(healthy\)/m,
    );
  });

  it("a later `up` builds mc and points its alias at the MinIO already running", async () => {
    await services("up", "minio");
    expect(await goCalls()).toContain(`install github.com/minio/mc@${await pin("MC_PIN")}`);
    const written = await servicesEnv();
    const endpoint = /^export BACKUP_S3_ENDPOINT='([^']+)'$/m.exec(written)?.[1];
    expect(written).toMatch(/^export NBS_MC='.+\/mc'$/m);
    const mcCalls = await readFile(join(dir, "mc.log"), "utf8");
    expect(mcCalls).toContain(`alias set nbs ${endpoint} `);
  });
});
