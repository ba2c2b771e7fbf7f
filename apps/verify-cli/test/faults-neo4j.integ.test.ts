import {
  createEphemeralNeo4j,
  describeInteg,
  getS3TestEnv,
  seedDemoGraph,
  type EphemeralNeo4j,
} from "@nbs/testenv";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { script, verify } from "@nbs/testenv/run-cli";
import { mountTmpfs, tmpfsAvailable } from "./tmpfs.js";

// Faults around a real Neo4j: backup.sh into an out-dir that cannot take the dump (it stops the
// DBMS for the dump and must start it again), and the ephemeral Neo4j of `nbs-verify --mode load`
// killed while it starts. The source DBMS is a throwaway one, so nothing shared is stopped.

let source: EphemeralNeo4j;
let s3Env: Record<string, string>;
let bucket: string;
const scratch = mkdtempSync(join(tmpdir(), "nbs-faults-neo4j-"));

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  bucket = await s3.createBucket("faults-neo4j");
  s3Env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  source = await createEphemeralNeo4j();
  await source.start();
  await seedDemoGraph(source);
});

afterAll(async () => {
  await source?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const backupInto = (outDir: string) =>
  script(
    "backup.sh",
    ["--db", "neo4j", "--out-dir", outDir, "--neo4j-home", source.home, "--json"],
    {
      NEO4J_URI: source.uri,
      NEO4J_PASSWORD: source.password,
    },
  );

async function sourceAnswers(): Promise<boolean> {
  const driver = source.driver();
  try {
    await driver.executeQuery("RETURN 1");
    return true;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

/**
 * Processes whose command line mentions `text` (a Neo4j home, a workspace), as "pid args" lines.
 * Read from /proc in this process: polled every 50 ms while a JVM starts, a `ps` spawned per
 * probe cost more CPU than the start it watched.
 */
function processesWith(text: string): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let args: string;
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    } catch {
      continue; // exited meanwhile
    }
    if (args.includes(text)) lines.push(`${pid} ${args}`);
  }
  return lines;
}

describeInteg("faults around a real Neo4j", () => {
  it.skipIf(!tmpfsAvailable)(
    "backup.sh into a read-only out-dir: exit 3 naming it, Neo4j never stopped, nothing written",
    async () => {
      const disk = mountTmpfs("1m", true);
      try {
        const run = await backupInto(disk.dir);
        expect(run.code, run.stderr).toBe(3);
        expect(JSON.parse(run.stdout)).toMatchObject({
          error: {
            code: "OUT_DIR_NOT_WRITABLE",
            message: `cannot write to the out-dir ${disk.dir}: read-only file system (EROFS)`,
          },
        });
        expect(await sourceAnswers()).toBe(true);
        expect(readdirSync(disk.dir)).toEqual([]);
      } finally {
        disk.remove();
      }
    },
  );

  it.skipIf(!tmpfsAvailable)(
    "backup.sh into an out-dir too small for the dump: exit 3 naming the lack of space, Neo4j started again, no partial dump left",
    async () => {
      const disk = mountTmpfs("4k");
      try {
        const run = await backupInto(disk.dir);
        expect(run.code, run.stderr).toBe(3);
        expect(JSON.parse(run.stdout)).toMatchObject({
          error: {
            code: "DISK_FULL",
            message: expect.stringMatching(
              new RegExp(
                `^no space left in the out-dir ${disk.dir} \\(\\d+ bytes free\\) for the dump$`,
              ),
            ),
          },
        });
        expect(await sourceAnswers()).toBe(true);
        expect(readdirSync(disk.dir)).toEqual([]);
      } finally {
        disk.remove();
      }
    },
  );

  // From here on the source is stopped: backup.sh dumps it as is (no stop/start cycle to wait for).
  describe("with the source stopped", () => {
    let dumpSize: number;
    let key: string;

    beforeAll(async () => {
      await source.stop();
      const backup = await backupInto(join(scratch, "out"));
      expect(backup.code, backup.stderr).toBe(0);
      const file = (JSON.parse(backup.stdout) as { file: string }).file;
      dumpSize = statSync(file).size;
      const up = await script("upload_backup_to_s3.sh", ["--file", file, "--json"], s3Env);
      expect(up.code, up.stderr).toBe(0);
      key = (JSON.parse(up.stdout) as { key: string }).key;
    });

    it.skipIf(!tmpfsAvailable)(
      "backup.sh into an out-dir with room for the dump but not its sidecar: exit 3 'no space left', neither left behind",
      async () => {
        // Exactly the dump's pages: the sidecar needs one more.
        const disk = mountTmpfs(String(Math.ceil(dumpSize / 4096) * 4096));
        try {
          const run = await backupInto(disk.dir);
          expect(run.code, run.stderr).toBe(3);
          expect(JSON.parse(run.stdout)).toMatchObject({
            error: {
              code: "DISK_FULL",
              message: `cannot write the local sidecar in ${disk.dir}: no space left (ENOSPC); the dump was removed`,
            },
          });
          expect(readdirSync(disk.dir)).toEqual([]);
        } finally {
          disk.remove();
        }
      },
    );

    it.skipIf(!tmpfsAvailable)(
      "--mode load with a --work-dir that holds the dump but not the restored database: exit 3 'no space left', not a bad backup; workspace removed",
      async () => {
        const disk = mountTmpfs("256k");
        try {
          const run = await verify(
            ["--s3-uri", `s3://${bucket}/${key}`, "--mode", "load", "--neo4j-home", source.home],
            { ...s3Env, NBS_WORK_DIR: disk.dir },
          );
          expect(run.code, run.stderr).toBe(3);
          expect(run.events.at(-1)).toMatchObject({
            code: "DISK_FULL",
            category: "INPUT",
            message: expect.stringMatching(
              new RegExp(
                `^no space left in ${disk.dir}/nbs-verify-\\w+ \\(\\d+ bytes free\\): load into an ephemeral Neo4j`,
              ),
            ),
            hint: expect.stringContaining("nothing says the backup is bad"),
          });
          expect(readdirSync(disk.dir)).toEqual([]);
        } finally {
          disk.remove();
        }
      },
    );

    it("the ephemeral Neo4j of --mode load killed once started: exit 6 at once, workspace removed, no java left", async () => {
      const work = mkdtempSync(join(scratch, "work-"));
      let killed: number | undefined;
      let killedAt = 0;
      let poll: NodeJS.Timeout | undefined;
      const run = await verify(
        ["--s3-uri", `s3://${bucket}/${key}`, "--mode", "load", "--neo4j-home", source.home],
        { ...s3Env, NBS_WORK_DIR: work },
        (chunk) => {
          const home = /"event":"verify\.neo4j\.starting".*?"home":"([^"]+)"/.exec(chunk)?.[1];
          if (home === undefined || poll !== undefined) return;
          // Its server JVM, found by the home verify made for it under the workspace, killed
          // once `neo4j start` (the other process naming that home) has returned.
          poll = setInterval(() => {
            const procs = processesWith(home);
            const jvm = procs.find((line) => line.includes("EntryPoint"));
            if (jvm === undefined || procs.length > 1) return;
            clearInterval(poll);
            killed = Number(jvm.trim().split(/\s+/)[0]);
            killedAt = Date.now();
            process.kill(killed, "SIGKILL");
          }, 50);
        },
      );
      clearInterval(poll);
      expect(killed, run.stderr).toBeDefined();
      expect(Date.now() - killedAt).toBeLessThan(30_000);
      expect(run.code, run.stderr).toBe(6);
      expect(run.events.at(-1)).toMatchObject({
        code: "RESTORE_START_FAILED",
        category: "NEO4J",
        message: `the ephemeral Neo4j did not start with the restored database: the Neo4j server process (pid ${killed}) exited while starting`,
      });
      expect(readdirSync(work)).toEqual([]);
      expect(processesWith(work)).toEqual([]);
    });
  });
});
