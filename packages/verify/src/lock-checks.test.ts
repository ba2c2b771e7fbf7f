import {
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyBackup } from "./index.js";

const s3 = mockClient(S3Client);
const KEY = "prod/neo4j/neo4j-20261124T101500Z.dump";
const dump = Buffer.from("DZV1 a stored dump");
const hex = createHash("sha256").update(dump).digest("hex");
const UNTIL = "2026-12-24T10:20:00.000Z";
const NOW = Date.parse("2026-12-01T00:00:00Z");

/** A committed backup whose sidecar records a GOVERNANCE lock until UNTIL. */
function lockedBackup() {
  const meta = {
    schemaVersion: 1,
    sha256: hex,
    size: dump.length,
    db_name: "neo4j",
    created_at: "2026-11-24T10:15:00Z",
    created_by: "t",
    tool: { name: "nbs-upload", version: "0.1.0" },
    object_lock: { mode: "GOVERNANCE", retain_until: UNTIL },
  };
  const objects: Record<string, Buffer> = {
    [KEY]: dump,
    [`${KEY}.meta.json`]: Buffer.from(JSON.stringify(meta)),
  };
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
    Body: sdkStreamMixin(Readable.from([objects[input.Key]!])),
    ContentLength: objects[input.Key]!.length,
  }));
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => ({
    ContentLength: objects[input.Key]!.length,
    ETag: '"e"',
    Metadata: { "nbs-sha256": hex },
  }));
}

const noRetention = () =>
  new S3ServiceException({
    name: "NoSuchObjectLockConfiguration",
    $fault: "client",
    $metadata: { httpStatusCode: 404 },
  });

let workDir: string;
beforeEach(() => {
  s3.reset();
  workDir = mkdtempSync(join(tmpdir(), "nbs-verify-lock-"));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

const run = (now = NOW) =>
  verifyBackup({
    source: { kind: "s3", bucket: "acme", key: KEY },
    mode: "checksum",
    client: new S3Client({ region: "us-east-1" }),
    workDir,
    now: () => now,
  });

describe("verifyBackup of a backup recorded as locked (S3 mocked)", () => {
  it("passes when the dump and the sidecar still carry the recorded retention", async () => {
    lockedBackup();
    s3.on(GetObjectRetentionCommand).resolves({
      Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(UNTIL) },
    });
    const report = await run();
    expect(report).toMatchObject({ ok: true, outcome: "verified" });
    expect(report.checks.filter((c) => c.id.startsWith("object_lock."))).toMatchObject([
      { id: "object_lock.dump", status: "pass" },
      { id: "object_lock.sidecar", status: "pass" },
    ]);
  });

  it.each([
    ["no retention at all", undefined],
    [
      "a shortened retention",
      { Mode: "GOVERNANCE", RetainUntilDate: new Date("2026-12-02T00:00:00Z") },
    ],
  ] as const)(
    "fails OBJECT_LOCK_MISSING (exit class INTEGRITY) when the dump carries %s",
    async (_what, retention) => {
      lockedBackup();
      if (retention) s3.on(GetObjectRetentionCommand).resolves({ Retention: retention });
      else s3.on(GetObjectRetentionCommand).rejects(noRetention());
      const report = await run();
      expect(report).toMatchObject({
        ok: false,
        failure: { code: "OBJECT_LOCK_MISSING", category: "INTEGRITY" },
      });
      expect(report.failure?.message).toContain(`expected GOVERNANCE until ${UNTIL}`);
    },
  );

  it("does not ask for a retention that has ended as recorded", async () => {
    lockedBackup();
    s3.on(GetObjectRetentionCommand).rejects(noRetention());
    const report = await run(Date.parse("2027-01-01T00:00:00Z"));
    expect(report).toMatchObject({ ok: true, outcome: "verified" });
    expect(report.checks.find((c) => c.id === "object_lock.dump")).toMatchObject({
      status: "skip",
    });
    expect(s3.commandCalls(GetObjectRetentionCommand)).toHaveLength(0);
  });
});
