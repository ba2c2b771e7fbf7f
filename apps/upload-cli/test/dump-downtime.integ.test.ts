import { GetObjectCommand } from "@aws-sdk/client-s3";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createEphemeralNeo4j,
  describeInteg,
  getS3TestEnv,
  type EphemeralNeo4j,
} from "@nbs/testenv";
import { afterAll, beforeAll, expect, it } from "vitest";
import { upload as runCli } from "@nbs/testenv/run-cli";

// `nbs-upload dump --to-s3 --snapshot auto` against a real Neo4j of its own and the local MinIO:
// the downtime is measured over Bolt and recorded in the sidecar, the --json result, the
// dump.restarted event and the state file --max-downtime reads; the snapshot is gone after.
describeInteg("nbs-upload dump --to-s3 --snapshot (real Neo4j, MinIO)", () => {
  let neo4j: EphemeralNeo4j;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "nbs-dump-downtime-"));
    neo4j = await createEphemeralNeo4j({ parentDir: work });
    await neo4j.start();
    await neo4j.driver().executeQuery("UNWIND range(1, 100) AS i CREATE (:N {i: i})");
  });

  afterAll(async () => {
    await neo4j?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("records downtime_ms in the sidecar, the result and the state file; the copy is removed", async () => {
    const s3 = await getS3TestEnv();
    const bucket = await s3.createBucket("dump-downtime");
    const staging = await mkdtemp(join(work, "staging-"));
    const stateDir = join(work, "state");
    const run = await runCli(
      [
        "dump",
        "--to-s3",
        "--bucket",
        bucket,
        "--prefix",
        "dt",
        "--sse",
        "AES256",
        "--snapshot",
        "auto",
        "--snapshot-dir",
        staging,
        "--state-dir",
        stateDir,
        "--json",
        "--verbose",
      ],
      {
        ...s3.processEnv(),
        NEO4J_HOME: neo4j.home,
        NEO4J_URI: neo4j.uri,
        NEO4J_PASSWORD: neo4j.password,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { sidecar_key: string; downtime_ms: number };
    expect(result.downtime_ms).toBeGreaterThan(0);
    const out = await s3
      .client()
      .send(new GetObjectCommand({ Bucket: bucket, Key: result.sidecar_key }));
    const meta = JSON.parse(await out.Body!.transformToString()) as Record<string, unknown>;
    expect(meta["downtime_ms"]).toBe(result.downtime_ms);
    expect(meta["stats"]).toMatchObject({ nodes: 100, exact: true });
    const restarted = run.events.find((e) => e["event"] === "dump.restarted");
    expect(restarted).toMatchObject({ downtime_ms: result.downtime_ms });
    // Snapshot mode: the server answered again before the upload of the dump began.
    const order = run.events.map((e) => e["event"]);
    expect(order).toContain("upload.start");
    expect(order.indexOf("dump.restarted")).toBeLessThan(order.indexOf("upload.start"));
    const state = JSON.parse(await readFile(join(stateDir, "downtime.json"), "utf8")) as Record<
      string,
      { downtime_ms: number; store_bytes: number }
    >;
    expect(Object.values(state)).toEqual([
      expect.objectContaining({ downtime_ms: result.downtime_ms }),
    ]);
    expect(await readdir(staging)).toEqual([]);
  });
});
