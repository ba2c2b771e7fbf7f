import { CopyObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { buildBackupMeta, serializeBackupMeta } from "@nbs/metadata";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { script, verify } from "@nbs/testenv/run-cli";

// `nbs-verify list` against the real MinIO: committed backups newest first, --db, --all, broken
// ones marked. The dumps are small random files uploaded by the real nbs-upload with
// --allow-any-file and a local sidecar carrying stats, so no Neo4j is needed here.

let client: S3Client;
let bucket: string;
let env: Record<string, string>;
const scratch = mkdtempSync(join(tmpdir(), "nbs-list-integ-"));
const PREFIX = "cat";

/** Upload `<db>-<stamp>.dump` (random bytes, with a local sidecar) under PREFIX; returns its key. */
async function backup(db: string, stamp: string, nodes: number): Promise<string> {
  const file = join(scratch, `${db}-${stamp}.dump`);
  const bytes = randomBytes(2048 + nodes);
  writeFileSync(file, bytes);
  const meta = buildBackupMeta({
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    db_name: db,
    created_at: new Date(),
    created_by: "list-integ",
    tool: { name: "list-integ", version: "0" },
    neo4j: { version: "5.26.30", edition: "community" },
    stats: { nodes, relationships: nodes * 2, exact: true },
  });
  writeFileSync(`${file}.meta.json`, serializeBackupMeta(meta));
  const up = await script(
    "upload_backup_to_s3.sh",
    ["--file", file, "--allow-any-file", "--json"],
    {
      ...env,
      BACKUP_S3_PREFIX: PREFIX,
    },
  );
  expect(up.code, up.stderr).toBe(0);
  return (JSON.parse(up.stdout) as { key: string }).key;
}

const put = (key: string, body: string | Buffer) =>
  client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

interface Listed {
  state: string;
  db: string;
  key: string;
  size: number;
  sha256?: string;
  neo4j_version?: string;
  nodes?: number;
  relationships?: number;
  reason?: string;
}

const keys: Record<string, string> = {};

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  client = s3.client();
  bucket = await s3.createBucket("list");
  env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  keys["old"] = await backup("neo4j", "20260101T000000Z", 10);
  keys["new"] = await backup("neo4j", "20260301T000000Z", 30);
  keys["mid"] = await backup("neo4j", "20260201T000000Z", 20);
  // A committed backup whose dump was replaced by other bytes of another size afterwards.
  keys["resized"] = await backup("neo4j", "20260210T000000Z", 15);
  await put(keys["resized"], randomBytes(10));
  keys["other"] = await backup("movies", "20260215T000000Z", 7);
  // An upload still running (no sidecar), newer than everything.
  keys["pending"] = `${PREFIX}/neo4j/neo4j-20260401T000000Z.dump`;
  await put(keys["pending"], randomBytes(100));
  // A sidecar that fails the schema.
  keys["invalid"] = `${PREFIX}/neo4j/neo4j-20260115T000000Z.dump`;
  await put(keys["invalid"], randomBytes(100));
  await put(`${keys["invalid"]}.meta.json`, '{"schemaVersion":1}');
  // A sidecar whose dump is gone.
  keys["orphan"] = `${PREFIX}/neo4j/neo4j-20260120T000000Z.dump`;
  await client.send(
    new CopyObjectCommand({
      Bucket: bucket,
      CopySource: `${bucket}/${keys["old"]}.meta.json`,
      Key: `${keys["orphan"]}.meta.json`,
    }),
  );
});

afterAll(() => {
  client?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

const list = async (args: string[]) => {
  const run = await verify(["list", "--prefix", PREFIX, ...args], env);
  expect(run.code, run.stderr).toBe(0);
  return { run, doc: JSON.parse(run.stdout) as { ok: boolean; backups: Listed[] } };
};

describeInteg("nbs-verify list against the real MinIO", () => {
  it("lists committed backups newest first with what their sidecars say; broken ones marked, not dropped", async () => {
    const { run, doc } = await list(["--db", "neo4j", "--json"]);
    expect(doc.ok).toBe(true);
    expect(doc.backups.map((b) => [b.state, b.key])).toEqual([
      ["committed", keys["new"]],
      ["broken", keys["resized"]],
      ["committed", keys["mid"]],
      ["broken", keys["orphan"]],
      ["broken", keys["invalid"]],
      ["committed", keys["old"]],
    ]);
    expect(doc.backups[0]).toMatchObject({
      db: "neo4j",
      neo4j_version: "5.26.30",
      nodes: 30,
      relationships: 60,
      size: 2078,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(doc.backups.find((b) => b.key === keys["orphan"])?.reason).toMatch(/missing/);
    expect(doc.backups.find((b) => b.key === keys["resized"])?.reason).toMatch(/10 bytes/);
    // The operator is told on stderr too.
    expect(run.events.find((e) => e["event"] === "list.broken")).toMatchObject({
      level: "warn",
      keys: [keys["resized"], keys["orphan"], keys["invalid"]],
    });
  });

  it("--db picks one database; without it every database is listed", async () => {
    const movies = await list(["--db", "movies", "--json"]);
    expect(movies.doc.backups.map((b) => b.key)).toEqual([keys["other"]]);
    const every = await list(["--json"]);
    expect(every.doc.backups.map((b) => b.db)).toContain("movies");
    expect(every.doc.backups.map((b) => b.db)).toContain("neo4j");
  });

  it("shows a dump without a sidecar only with --all, marked uncommitted", async () => {
    const plain = await list(["--db", "neo4j", "--json"]);
    expect(plain.doc.backups.map((b) => b.key)).not.toContain(keys["pending"]);
    const all = await list(["--db", "neo4j", "--all", "--json"]);
    expect(all.doc.backups[0]).toMatchObject({ state: "uncommitted", key: keys["pending"] });
    expect(all.doc.backups[0]!.sha256).toBeUndefined();
  });

  it("prints JSON when stdout is not a terminal, and list_backups.sh passes everything through", async () => {
    const run = await script("list_backups.sh", ["--prefix", PREFIX, "--db", "movies"], env);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { backups: Listed[] };
    expect(doc.backups).toEqual([
      expect.objectContaining({ state: "committed", key: keys["other"], nodes: 7 }),
    ]);
    // The final log event carries the tally, not the catalogue a second time.
    const result = run.events.find((e) => e["event"] === "list.result");
    expect(result).toMatchObject({ committed: 1, broken: 0, uncommitted: 0 });
    expect(result).not.toHaveProperty("backups");
  });

  it("a table with --no-json", async () => {
    const run = await verify(["list", "--prefix", PREFIX, "--db", "neo4j", "--no-json"], env);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^STATE\s+DB\s+CREATED \(UTC\)\s+SIZE\s+SHA256\s+NEO4J\s+RETAIN UNTIL\s+NODES\s+RELS\s+SHRINK\s+LAST VERIFIED \(UTC\)\s+KEY$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      "committed",
      "broken",
      "committed",
      "broken",
      "broken",
      "committed",
    ]);
  });

  it("a missing bucket is a usage error naming the fix (exit 2)", async () => {
    const noBucket = Object.fromEntries(
      Object.entries(env).filter(([name]) => name !== "BACKUP_S3_BUCKET"),
    );
    const run = await verify(["list", "--prefix", PREFIX, "--json"], noBucket);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--bucket/);
  });
});
