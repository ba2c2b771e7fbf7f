import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  createEphemeralNeo4j,
  DEMO_GRAPH,
  describeInteg,
  getS3TestEnv,
  keysUnder,
  seedDemoGraph,
  type EphemeralNeo4j,
} from "@nbs/testenv";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, verify } from "@nbs/testenv/run-cli";

// Sets (every database in one stop window, system included) and the systemd path, against a
// real Neo4j 5.26 Community of this file's own and the real MinIO. What is NOT real here: the
// `systemctl` on PATH is a script that runs the same server's bin/neo4j (systemd's units,
// cgroups and KillMode are not exercised; docs/neo4j/server.md explains them).

let source: EphemeralNeo4j;
let target: EphemeralNeo4j | undefined;
let client: S3Client;
let bucket: string;
let s3Env: Record<string, string>;
const scratch = mkdtempSync(join(tmpdir(), "nbs-sets-integ-"));
const fakeBin = join(scratch, "bin");
const systemctlLog = join(scratch, "systemctl.log");
// Made at run time: no credential-shaped literal is committed.
const alicePassword = `alice-${randomBytes(8).toString("hex")}`;
let committedSet: { key: string; members: Array<{ db: string; key: string; sha256: string }> };

const neo4jEnv = () => ({ NEO4J_URI: source.uri, NEO4J_PASSWORD: source.password });
const systemdEnv = () => ({
  PATH: `${fakeBin}:${process.env["PATH"] ?? ""}`,
  FAKE_SYSTEMD_NEO4J_HOME: source.home,
  FAKE_SYSTEMCTL_LOG: systemctlLog,
});
const systemctlCalls = () =>
  existsSync(systemctlLog) ? readFileSync(systemctlLog, "utf8").trim().split("\n") : [];

async function query(
  server: EphemeralNeo4j,
  cypher: string,
  db = "neo4j",
  auth?: [string, string],
) {
  const driver = auth
    ? neo4j.driver(server.uri, neo4j.auth.basic(...auth), {
        logging: { level: "error", logger: () => {} },
      })
    : server.driver();
  try {
    return (await driver.executeQuery(cypher, {}, { database: db })).records;
  } finally {
    await driver.close();
  }
}

/** Without Bolt the run does not wait for the restarted server: poll it (bounded). */
async function nodesOnceUp(): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return Number((await query(source, "MATCH (n) RETURN count(n) AS n"))[0]!.get("n"));
    } catch (error) {
      if (attempt >= 120) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function json(key: string): Promise<Record<string, unknown>> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await out.Body!.transformToString()) as Record<string, unknown>;
}

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("sets");
  s3Env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  // A systemctl that drives the real server through its bin/neo4j, and logs how it was called.
  const body = [
    "#!/bin/sh",
    'echo "$*" >> "$FAKE_SYSTEMCTL_LOG"',
    'case "$1" in',
    '  is-active) "$FAKE_SYSTEMD_NEO4J_HOME/bin/neo4j" status >/dev/null 2>&1 && exit 0; exit 3 ;;',
    '  stop|start) exec "$FAKE_SYSTEMD_NEO4J_HOME/bin/neo4j" "$1" ;;',
    "esac",
    "exit 1",
  ].join("\n");
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, "systemctl"), `${body}\n`);
  chmodSync(join(fakeBin, "systemctl"), 0o755);
  source = await createEphemeralNeo4j();
  await source.start();
  await seedDemoGraph(source);
  await query(
    source,
    `CREATE USER alice SET PASSWORD '${alicePassword}' CHANGE NOT REQUIRED`,
    "system",
  );
}, 900_000);

afterAll(async () => {
  await source?.remove();
  await target?.remove();
  client?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

describeInteg(
  "sets: every database in one stop window, and a Neo4j run by systemd (real Neo4j)",
  () => {
    it("Community has users but no roles: CREATE ROLE is refused (what a set restore can prove here is the user)", async () => {
      const error: unknown = await query(source, "CREATE ROLE auditor", "system").catch(
        (e: unknown) => e,
      );
      expect(String(error)).toContain("Unsupported administration command: CREATE ROLE");
    }, 120_000);

    it("backup.sh --all-databases --to-s3 --neo4j-service: system and neo4j in ONE systemctl stop/start, each with its sidecar, then the manifest", async () => {
      const run = await script(
        "backup.sh",
        [
          "--all-databases",
          "--to-s3",
          "--prefix",
          "env",
          "--neo4j-home",
          source.home,
          "--neo4j-service",
          "nbs-neo4j",
          "--json",
        ],
        { ...s3Env, ...neo4jEnv(), ...systemdEnv() },
      );
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { set: string; manifest_key: string };
      // One window: one stop and one start, both through systemctl.
      expect(systemctlCalls().filter((c) => !c.startsWith("is-active"))).toEqual([
        "stop nbs-neo4j",
        "start nbs-neo4j",
      ]);
      expect(result.manifest_key).toBe(`env/sets/${result.set}.json`);
      const manifest = (await json(result.manifest_key)) as typeof committedSet & { id: string };
      expect(manifest.members.map((m) => m.db)).toEqual(["system", "neo4j"]);
      for (const member of manifest.members) {
        const sidecar = await json(`${member.key}.meta.json`);
        expect(sidecar).toMatchObject({
          sha256: member.sha256,
          db_name: member.db,
          set: { id: result.set, manifest_key: result.manifest_key },
        });
      }
      committedSet = { key: result.manifest_key, members: manifest.members };
      expect(Number((await query(source, "MATCH (n) RETURN count(n) AS n"))[0]!.get("n"))).toBe(
        DEMO_GRAPH.nodes,
      );
    }, 900_000);

    it("a set with a failed member is not committed: no manifest, Neo4j runs again, and --latest does not pick its committed member", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1100)); // a set of its own second
      const run = await script(
        "backup.sh",
        [
          "--db",
          "neo4j",
          "--db",
          "nosuchdb",
          "--to-s3",
          "--prefix",
          "env",
          "--neo4j-home",
          source.home,
          "--json",
        ],
        // No Bolt: nothing is counted before the stop, so the unknown database fails inside the
        // window, after neo4j was stored (with Bolt it fails before anything is stopped).
        s3Env,
      );
      expect(run.code, run.stderr).toBe(6);
      expect(run.stderr).toContain("dump.set.incomplete");
      const sets = (await keysUnder(client, bucket, "env/sets")).sort();
      expect(sets).toEqual([committedSet.key]);
      const neo4jDumps = (await keysUnder(client, bucket, "env/neo4j")).filter((k) =>
        k.endsWith(".dump"),
      );
      expect(neo4jDumps).toHaveLength(2); // the failed set's neo4j member was stored and committed alone
      const latest = await verify(
        ["--latest", "--prefix", "env", "--db", "neo4j", "--mode", "checksum", "--json"],
        s3Env,
      );
      expect(latest.code, latest.stderr).toBe(0);
      const neo4jMember = committedSet.members.find((m) => m.db === "neo4j")!;
      // The newest neo4j backup with a sidecar is the failed set's member: passed over as
      // uncommitted, the committed set's member is the one verified.
      const verified = JSON.parse(latest.stdout) as {
        source: { key: string };
        uncommitted: string[];
      };
      expect(verified.source.key).toBe(neo4jMember.key);
      expect(verified.uncommitted).toEqual(neo4jDumps.filter((k) => k !== neo4jMember.key));
      expect(await nodesOnceUp()).toBe(DEMO_GRAPH.nodes);
    }, 900_000);

    it("backup.sh --db system --db neo4j --out-dir: a local set, the manifest in <out-dir>/sets/ naming both files and their sha256", async () => {
      const outDir = mkdtempSync(join(scratch, "out-"));
      const run = await script(
        "backup.sh",
        [
          "--db",
          "system",
          "--db",
          "neo4j",
          "--out-dir",
          outDir,
          "--neo4j-home",
          source.home,
          "--json",
        ],
        neo4jEnv(),
      );
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { set: string; manifest: string };
      expect(result.manifest).toBe(join(outDir, "sets", `${result.set}.json`));
      const manifest = JSON.parse(readFileSync(result.manifest, "utf8")) as typeof committedSet;
      for (const member of manifest.members) {
        const sidecar = JSON.parse(
          readFileSync(join(outDir, `${member.key}.meta.json`), "utf8"),
        ) as Record<string, unknown>;
        expect(sidecar).toMatchObject({
          sha256: member.sha256,
          set: { id: result.set, manifest_key: `sets/${result.set}.json` },
        });
      }
    }, 900_000);

    it("restore-set --set latest into a fresh installation: system first, then neo4j; alice logs in and the graph is there", async () => {
      target = await createEphemeralNeo4j();
      await target.start();
      const loginBefore: unknown = await query(target, "RETURN 1", "neo4j", [
        "alice",
        alicePassword,
      ]).catch((e: unknown) => e);
      expect(String(loginBefore)).toMatch(/unauthorized|authentication/i);
      // Its users are not the set's: the same-server proof cannot log in, so the operator stops
      // it first (the proof is then that nothing answers at its URI; restore-set starts it).
      await target.stop();
      const run = await verify(
        [
          "restore-set",
          "--set",
          "latest",
          "--prefix",
          "env",
          "--neo4j-home",
          target.home,
          "--force",
          "--json",
        ],
        // After the restore the server's users are the backed-up server's.
        { ...s3Env, NEO4J_URI: target.uri, NEO4J_PASSWORD: source.password },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        outcome: "restored",
        source: `s3://${bucket}/${committedSet.key}`,
        databases: ["system", "neo4j"],
      });
      const records = await query(target, "MATCH (p:Person) RETURN count(p) AS n", "neo4j", [
        "alice",
        alicePassword,
      ]);
      expect(Number(records[0]!.get("n"))).toBe(DEMO_GRAPH.labels.Person);
    }, 900_000);
  },
);
