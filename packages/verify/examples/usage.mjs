import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256File } from "@nbs/checksum";
import { renderSummaryMarkdown, verifyBackup } from "@nbs/verify";

// A local "dump" and the sha256 recorded when it was taken. For a stored backup pass
// { kind: "s3", bucket, key } or { kind: "latest", bucket, prefix, db } and an S3 client;
// for mode "check" or "load" a process runner and a Neo4j installation (installDir).
const dir = await mkdtemp(join(tmpdir(), "nbs-verify-example-"));
const path = join(dir, "neo4j-20261124T101500Z.dump");
await writeFile(path, "pretend this is a dump");
const recorded = (await sha256File(path)).hex;

const ok = await verifyBackup({
  source: { kind: "file", path },
  mode: "checksum",
  sha256: recorded,
  workDir: dir,
});
console.log(ok.ok, ok.outcome, ok.checks.map((c) => `${c.id}:${c.status}`).join(" "));

// Every expected failure is a report with ok: false and a specific code, not an exception.
const bad = await verifyBackup({
  source: { kind: "file", path },
  mode: "checksum",
  sha256: "0".repeat(64),
  workDir: dir,
});
console.log(bad.ok, bad.outcome, bad.failure?.code, bad.failure?.category);
console.log(renderSummaryMarkdown(bad).split("\n")[2]); // > **CODE** (CATEGORY): message

await rm(dir, { recursive: true });
