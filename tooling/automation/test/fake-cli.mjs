// Stands in for nbs-upload and nbs-verify (NBS_UPLOAD_BIN / NBS_VERIFY_BIN) in the unit tests
// of backup_sync.sh: records its arguments, answers like the real CLI's --json result, and
// exits with FAKE_EXIT_<STEP>_<DB> (0 when unset).
import { appendFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const step = args[0] === "dump" ? "dump" : args[0] === "upload" ? "upload" : "verify";
const file = opt("--file");
const dbs = args.flatMap((a, i) => (a === "--db" ? [args[i + 1]] : []));
// A dump of several databases (one stop window) is recorded as "a,b" and fails with FAKE_EXIT_DUMP_SET.
const db =
  dbs.length > 1 ? dbs.join(",") : (dbs[0] ?? file?.split("/").pop()?.split("-")[0] ?? "?");
appendFileSync(process.env.FAKE_CALLS, `${JSON.stringify({ step, db, args })}\n`);
const code = Number(
  process.env[dbs.length > 1 ? "FAKE_EXIT_DUMP_SET" : `FAKE_EXIT_${step.toUpperCase()}_${db}`] ?? 0,
);
const dump = `${opt("--out-dir")}/${db}-20261130T010203Z.dump`;
const key = `prod/${db}/${db}-20261130T010203Z.dump`;
process.stderr.write(`${JSON.stringify({ level: "info", event: `${step}.result`, db })}\n`);
// What each step was given for dead-man pings (backup_sync.sh pings for the whole job).
if (process.env.NBS_HEALTHCHECK_URL) process.stderr.write("step saw NBS_HEALTHCHECK_URL\n");
const fileOf = (name) => `${opt("--out-dir")}/${name}-20261130T010203Z.dump`;
const downtime = process.env[dbs.length > 1 ? "FAKE_DOWNTIME_MS_SET" : `FAKE_DOWNTIME_MS_${db}`];
const downtime_ms = downtime === undefined ? null : Number(downtime);
if (step === "dump" && code === 0 && dbs.length > 1) {
  const members = dbs.map((name) => ({ db: name, file: fileOf(name) }));
  console.log(JSON.stringify({ outcome: "dumped", set: "20261130T010203Z", members, downtime_ms }));
} else if (step === "dump" && code === 0)
  console.log(JSON.stringify({ outcome: "dumped", file: dump, downtime_ms }));
// like the real CLI: a result on stdout only on success (the failure is the last log event)
if (step === "upload" && code === 0) {
  console.log(
    JSON.stringify({
      outcome: args.includes("--dry-run") ? "dry-run" : "uploaded",
      key,
      // FAKE_SHRINK_<DB>=<ratio>: the shrink guard recorded a drop against the previous backup
      ...(process.env[`FAKE_SHRINK_${db}`]
        ? {
            shrink: {
              from_key: `prod/${db}/${db}-20261129T010203Z.dump`,
              ratio: Number(process.env[`FAKE_SHRINK_${db}`]),
            },
          }
        : {}),
    }),
  );
}
if (step === "verify") {
  writeFileSync(opt("--report"), JSON.stringify({ outcome: code === 0 ? "verified" : "failed" }));
  writeFileSync(opt("--summary-md"), `#### verify ${db}: ${code === 0 ? "ok" : "failed"}\n`);
}
process.exit(code);
