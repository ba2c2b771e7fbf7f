// Used by backup_sync.sh: one dead-man ping for the whole job, in the healthchecks.io protocol the
// CLIs use (NBS_HEALTHCHECK_URL): `start` -> <url>/start, `0` -> <url>, any other exit code ->
// <url>/<code>, each with ?rid=NBS_HEALTHCHECK_RID so start and end pair up. One POST bounded by
// NBS_HEALTHCHECK_TIMEOUT (10s, 500ms, 10); never fails (exit 0) and never prints the URL.
const [what = "0", body = "backup_sync.sh"] = process.argv.slice(2);
const raw = process.env.NBS_HEALTHCHECK_URL;
const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(process.env.NBS_HEALTHCHECK_TIMEOUT || "10s");
const timeoutMs = m ? Number(m[1]) * (m[2] === "ms" ? 1 : 1000) : 10_000;
const kind = what === "start" ? "start" : what === "0" ? "success" : "failure";
let answer;
try {
  const url = new URL(raw);
  const suffix =
    what === "start" ? "/start" : what === "0" ? "" : `/${Math.min(Number(what) || 1, 255)}`;
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${suffix}`;
  if (process.env.NBS_HEALTHCHECK_RID) url.searchParams.set("rid", process.env.NBS_HEALTHCHECK_RID);
  const res = await fetch(url, {
    method: "POST",
    body: `${body}: ${kind === "start" ? "started" : kind === "success" ? "ok" : `exit ${what}`}`,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel().catch(() => {});
  answer = res.ok ? `HTTP ${res.status}` : `HTTP ${res.status}, refused`;
} catch (error) {
  answer =
    error?.name === "TimeoutError"
      ? `no answer within ${timeoutMs} ms`
      : `not delivered${error?.cause?.code ? ` (${error.cause.code})` : ""}`;
}
process.stderr.write(`healthcheck ${kind} ping: ${answer}\n`);
