import { buildBackupMeta, serializeBackupMeta } from "@nbs/metadata";
import { describeInteg, getS3TestEnv } from "@nbs/testenv";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  alerts,
  query,
  startPrometheusStack,
  until,
  type PrometheusStack,
} from "./prometheus-stack.js";
import { script } from "@nbs/testenv/run-cli";

// The shipped alert rules end to end: real nbs runs (the operator scripts, MinIO) write their
// metrics to node_exporter's textfile collector or push them to a Pushgateway; a real Prometheus
// scrapes both every second and evaluates config/prometheus/nbs-alerts.yml every second.

const RULES = fileURLToPath(new URL("../../../config/prometheus/nbs-alerts.yml", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "nbs-monitoring-integ-"));
let stack: PrometheusStack;
let env: Record<string, string>;
let bucket: string;

beforeAll(async () => {
  const s3 = await getS3TestEnv();
  bucket = await s3.createBucket("monitoring");
  env = { ...s3.processEnv(), BACKUP_S3_BUCKET: bucket };
  stack = await startPrometheusStack(scratch, RULES);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** `neo4j-<stamp>.dump` (random bytes) with a local sidecar recording 42 nodes. */
function dump(stamp: string): string {
  const file = join(scratch, `neo4j-${stamp}.dump`);
  const bytes = randomBytes(4096);
  writeFileSync(file, bytes);
  const meta = buildBackupMeta({
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    db_name: "neo4j",
    created_at: new Date(),
    created_by: "monitoring-integ",
    tool: { name: "monitoring-integ", version: "0" },
    neo4j: { version: "5.26.0", edition: "community" },
    stats: { nodes: 42, relationships: 7, exact: true },
  });
  writeFileSync(`${file}.meta.json`, serializeBackupMeta(meta));
  return file;
}

const alertOf = async (name: string, prefix: string) =>
  (await alerts(stack.prometheus)).find(
    (a) => a.labels["alertname"] === name && a.labels["prefix"] === prefix && a.state === "firing",
  );
const valueOf = async (promql: string) => (await query(stack.prometheus, promql))[0]?.value;

describeInteg("Prometheus alerts on the metrics of real nbs runs", () => {
  it("fires NbsBackupStale when the textfile's last success is 27 h old, and resolves after a fresh backup", async () => {
    const metricsFile = join(stack.textfileDir, "nbs.prom");
    const upload = (stamp: string) =>
      script(
        "upload_backup_to_s3.sh",
        ["--file", dump(stamp), "--allow-any-file", "--metrics-file", metricsFile],
        { ...env, BACKUP_S3_PREFIX: "textfile" },
      );
    const first = await upload("20260101T000000Z");
    expect(first.code, first.stderr).toBe(0);
    expect(
      await until("the upload's metrics", () => valueOf('nbs_backup_nodes{prefix="textfile"}')),
    ).toBe(42);
    expect(await alertOf("NbsBackupStale", "textfile")).toBeUndefined();

    // The stale backup: the success time in the file the real run wrote is moved 27 h back
    // (only that value changes), replaced by a rename as nbs writes it.
    const text = readFileSync(metricsFile, "utf8");
    const stale = text.replace(
      /^(nbs_backup_last_success_timestamp_seconds\{.*prefix="textfile".*\}) (\S+)$/m,
      (_, series: string, at: string) => `${series} ${Number(at) - 27 * 3600}`,
    );
    expect(stale).not.toBe(text);
    writeFileSync(`${metricsFile}.tmp`, stale);
    renameSync(`${metricsFile}.tmp`, metricsFile);
    const fired = await until("NbsBackupStale firing", () => alertOf("NbsBackupStale", "textfile"));
    expect(fired.labels).toMatchObject({ db: "neo4j", severity: "critical" });

    const fresh = await upload("20260102T000000Z");
    expect(fresh.code, fresh.stderr).toBe(0);
    await until("NbsBackupStale resolved", async () =>
      (await alertOf("NbsBackupStale", "textfile")) ? undefined : true,
    );

    // nbs-verify adds its series to the same file, beside the backup's.
    const verify = await script(
      "verify_restore.sh",
      [
        "--latest",
        "--bucket",
        bucket,
        "--prefix",
        "textfile",
        "--db",
        "neo4j",
        "--mode",
        "checksum",
      ],
      { ...env, NBS_METRICS_FILE: metricsFile },
    );
    expect(verify.code, verify.stderr).toBe(0);
    const verified = await until("the verification's metrics", () =>
      valueOf('nbs_verify_last_success_timestamp_seconds{prefix="textfile",mode="checksum"}'),
    );
    expect(verified).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(await valueOf('nbs_backup_last_attempt_success{prefix="textfile"}')).toBe(1);
  });

  it("keeps the Pushgateway's last success through a failed attempt, which fires NbsBackupAttemptFailed, and never prints the URL's password", async () => {
    const password = `pw-${randomBytes(6).toString("hex")}`;
    const pushEnv = {
      ...env,
      BACKUP_S3_PREFIX: "pushed",
      NBS_PUSHGATEWAY_URL: stack.pushgateway.replace("http://", `http://nbs:${password}@`),
    };
    const ok = await script(
      "upload_backup_to_s3.sh",
      ["--file", dump("20260201T000000Z"), "--allow-any-file"],
      pushEnv,
    );
    expect(ok.code, ok.stderr).toBe(0);
    const success = '{prefix="pushed",job="nbs_backup"}';
    const lastSuccess = await until("the pushed success", () =>
      valueOf(`nbs_backup_last_success_timestamp_seconds${success}`),
    );

    const failed = await script(
      "upload_backup_to_s3.sh",
      ["--file", dump("20260202T000000Z"), "--allow-any-file", "--bucket", `${bucket}-missing`],
      pushEnv,
    );
    expect(failed.code, failed.stderr).toBe(4);
    const fired = await until("NbsBackupAttemptFailed firing", () =>
      alertOf("NbsBackupAttemptFailed", "pushed"),
    );
    expect(fired.labels).toMatchObject({ db: "neo4j", severity: "warning" });
    expect(await valueOf(`nbs_backup_last_success_timestamp_seconds${success}`)).toBe(lastSuccess);
    expect(await alertOf("NbsBackupStale", "pushed")).toBeUndefined();
    expect(`${ok.stdout}${ok.stderr}${failed.stdout}${failed.stderr}`).not.toContain(password);
  });
});
