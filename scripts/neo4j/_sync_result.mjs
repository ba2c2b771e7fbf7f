// Used by backup_sync.sh: writes <log dir>/result.json and, when NBS_NOTIFY_WEBHOOK is set,
// POSTs one message per failed database. Arguments: "db|dump|upload|verify|key|step|code" rows;
// NBS_SYNC_* variables carry the rest (the workflows call it too, for failures before a script).
// The webhook URL is never printed: a fetch error's message can contain it, so only its code is.
import { writeFileSync } from "node:fs";

const env = process.env;
const databases = process.argv.slice(2).map((row) => {
  const [database, dump, upload, verify, key, step, code] = row.split("|");
  return {
    database,
    dump,
    upload,
    verify,
    key: key || null,
    failed_step: step || null,
    exit_code: Number(code),
  };
});
const result = {
  dry_run: env.NBS_SYNC_DRY === "1",
  exit_code: Number(env.NBS_SYNC_EXIT),
  run_url: env.NBS_SYNC_RUN_URL || null,
  databases,
};
writeFileSync(`${env.NBS_SYNC_LOG_DIR}/result.json`, `${JSON.stringify(result, null, 2)}\n`);

const title = env.NBS_SYNC_TITLE || "Neo4j backup sync";
const url = env.NBS_NOTIFY_WEBHOOK;
for (const db of url ? databases.filter((d) => d.exit_code !== 0) : []) {
  const where = result.run_url ? ` (${result.run_url})` : "";
  const body = {
    text: `${title} failed: database ${db.database}, step ${db.failed_step}, exit ${db.exit_code}${where}`,
    database: db.database,
    step: db.failed_step,
    exit_code: db.exit_code,
    key: db.key,
    dry_run: result.dry_run,
    run_url: result.run_url,
  };
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const ok = res.ok ? "delivered" : "refused; the exit code is unchanged";
    console.error(`backup_sync.sh: webhook for ${db.database}: HTTP ${res.status}, ${ok}`);
  } catch (error) {
    const why = error?.cause?.code ?? error?.name ?? "error";
    console.error(
      `backup_sync.sh: webhook for ${db.database} not delivered (${why}); the exit code is unchanged`,
    );
  }
}
