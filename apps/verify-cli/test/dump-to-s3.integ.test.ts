import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { backupKey, buildBackupMeta, serializeBackupMeta } from "@nbs/metadata";
import { createHash, randomBytes } from "node:crypto";
import {
  createEphemeralNeo4j,
  DEMO_GRAPH,
  describeInteg,
  getS3TestEnv,
  keysUnder,
  seedDemoGraph,
  type EphemeralNeo4j,
  type S3TestEnv,
} from "@nbs/testenv";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script } from "@nbs/testenv/run-cli";

// `backup.sh --to-s3`: neo4j-admin's --to-stdout piped into a multipart upload, against the real
// MinIO and a throwaway source DBMS of its own (its stop/start touches nothing shared).

const COUNTS = DEMO_GRAPH;
/** Nodes of random text added for the interruption test: a dump of tens of MiB, many parts. */
const BULK_NODES = 200_000;

let s3: S3TestEnv;
let client: S3Client;
let bucket: string;
let source: EphemeralNeo4j;
let s3Env: Record<string, string>;
const scratchDirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "nbs-stream-integ-"));
  scratchDirs.push(dir);
  return dir;
};

async function openUploads(prefix: string): Promise<number> {
  const out = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `${prefix}/` }),
  );
  return (out.Uploads ?? []).length;
}
/** The source answers queries again (it was started after the dump). */
async function nodeCount(): Promise<number> {
  const driver = source.driver();
  try {
    const { records } = await driver.executeQuery("MATCH (n) RETURN count(n) AS n");
    return Number(records[0]!.get("n"));
  } finally {
    await driver.close();
  }
}
/** What neo4j-admin would have written with no --to-path / --to-stdout: must stay absent. */
const defaultDumps = () => {
  const dir = join(source.home, "data", "dumps");
  return existsSync(dir) ? readdirSync(dir) : [];
};

function backup(prefix: string, args: readonly string[], env: Record<string, string> = {}) {
  const tmp = scratch();
  const run = script(
    "backup.sh",
    ["--to-s3", "--prefix", prefix, "--neo4j-home", source.home, "--json", ...args],
    { ...s3Env, TMPDIR: tmp, ...env },
  );
  return { run, tmp };
}

beforeAll(async () => {
  s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("stream");
  s3Env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  source = await createEphemeralNeo4j();
  await source.start();
  await seedDemoGraph(source);
}, 900_000);

afterAll(async () => {
  await source?.remove();
  client?.destroy();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

describeInteg("backup.sh --to-s3 against the real MinIO and Neo4j", () => {
  it("commits a backup with no local file, and nbs-verify --latest --mode load finds the counted graph", async () => {
    const { run, tmp } = backup("ok", ["--db", "neo4j"], {
      NEO4J_URI: source.uri,
      NEO4J_PASSWORD: source.password,
    });
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown> & { key: string };
    expect(out).toMatchObject({ ok: true, outcome: "uploaded", db: "neo4j", parts: 1 });
    expect(out.key).toMatch(/^ok\/neo4j\/neo4j-\d{8}T\d{6}Z\.dump$/);
    expect((await keysUnder(client, bucket, "ok")).sort()).toEqual([
      out.key,
      `${out.key}.meta.json`,
    ]);
    expect(await openUploads("ok")).toBe(0);
    const sidecar = JSON.parse(
      await (
        await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${out.key}.meta.json` }))
      ).Body!.transformToString(),
    ) as Record<string, unknown>;
    expect(sidecar).toMatchObject({
      sha256: out["sha256"],
      size: out["size"],
      dump_format: "neo4j-5-dump",
      tool: { name: "nbs-upload dump" },
      // The same stats as a dump to a file records: counts, schema and the transactions.
      stats: {
        ...COUNTS,
        exact: true,
        counted_at_tx: expect.any(Number),
        dumped_at_tx: expect.any(Number),
        schema: { indexes: expect.any(Array), constraints: expect.any(Array) },
      },
    });
    // No local dump: nothing in the temp dir nbs-upload was given, nothing in Neo4j's dumps dir.
    expect(readdirSync(tmp)).toEqual([]);
    expect(defaultDumps()).toEqual([]);
    expect(await nodeCount()).toBe(5);

    const work = scratch();
    const verified = await script(
      "verify_restore.sh",
      [
        "--latest",
        "--prefix",
        "ok",
        "--db",
        "neo4j",
        "--mode",
        "load",
        "--neo4j-home",
        source.home,
        "--work-dir",
        work,
        "--json",
      ],
      s3Env,
    );
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      ok: true,
      outcome: "verified",
      counts: { expected: { ...COUNTS, exact: true }, actual: COUNTS },
    });
  }, 900_000);

  it("the shrink guard: a streamed dump far smaller than the previous backup records shrink in its sidecar and warns, exit 0", async () => {
    // The previous committed backup of the database: 1000 nodes, 1 MiB, an hour ago.
    const bytes = randomBytes(1024 * 1024);
    const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const previous = backupKey({ prefix: "shrunk", db: "neo4j", createdAt, compression: "none" });
    const meta = buildBackupMeta({
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: bytes.length,
      db_name: "neo4j",
      created_at: createdAt,
      created_by: "stream-integ",
      tool: { name: "stream-integ", version: "0" },
      stats: { nodes: 1000, relationships: 1000, exact: true },
    });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: previous, Body: bytes }));
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${previous}.meta.json`,
        Body: serializeBackupMeta(meta),
      }),
    );
    const result = await backup("shrunk", ["--db", "neo4j"], {
      NEO4J_URI: source.uri,
      NEO4J_PASSWORD: source.password,
    }).run;
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { key: string; shrink?: unknown };
    const shrink = {
      from_key: previous,
      from: { nodes: 1000, relationships: 1000, size: bytes.length },
      to: { nodes: 5, relationships: 4, size: expect.any(Number) },
      ratio: 0.004,
    };
    expect(out.shrink).toEqual(shrink);
    const sidecar = JSON.parse(
      await (
        await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${out.key}.meta.json` }))
      ).Body!.transformToString(),
    ) as { shrink?: unknown; size: number };
    expect(sidecar.shrink).toEqual({ ...shrink, to: { ...shrink.to, size: sidecar.size } });
    expect(result.stderr).toMatch(/"event":"backup\.shrunk"/);
  }, 900_000);

  it("a failing dump (no such database) exits 6 with NEO4J_COMMAND_FAILED, leaves nothing in the bucket, and Neo4j runs again", async () => {
    const { run, tmp } = backup("bad", ["--db", "nosuchdb"]);
    const result = await run;
    expect(result.code, result.stderr).toBe(6);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: { code: "NEO4J_COMMAND_FAILED" },
    });
    expect(await keysUnder(client, bucket, "bad")).toEqual([]);
    expect(await openUploads("bad")).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await nodeCount()).toBe(5);
  }, 900_000);

  it("SIGTERM while parts are on the wire exits 130: upload aborted, nothing stored, no dump process left, Neo4j runs again", async () => {
    const driver = source.driver();
    try {
      for (let done = 0; done < BULK_NODES; done += 20_000) {
        await driver.executeQuery(
          "UNWIND range(1, 20000) AS i CREATE (:Bulk {data: randomUUID() + randomUUID() + randomUUID() + randomUUID()})",
        );
      }
    } finally {
      await driver.close();
    }
    const tmp = scratch();
    let killed = false;
    const result = await script(
      "backup.sh",
      [
        "--to-s3",
        "--prefix",
        "killed",
        "--db",
        "neo4j",
        "--neo4j-home",
        source.home,
        "--part-size",
        "5MiB",
        "--verbose",
        "--json",
      ],
      { ...s3Env, TMPDIR: tmp },
      (chunk, child) => {
        // The first part the store accepted: the dump is streaming, the upload open.
        if (!killed && chunk.includes('"event":"dump.part"')) {
          killed = true;
          child.kill("SIGTERM");
        }
      },
    );
    expect(killed, result.stderr).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(await keysUnder(client, bucket, "killed")).toEqual([]);
    expect(await openUploads("killed")).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await nodeCount()).toBe(5 + BULK_NODES);
    // neo4j-admin 5 dumps in a child JVM: it was stopped too, not left writing on its own.
    const processes = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(
      processes.split("\n").filter((p) => p.includes(source.home) && p.includes("dump")),
    ).toEqual([]);
  }, 900_000);
});
