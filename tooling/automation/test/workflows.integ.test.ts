import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createEphemeralNeo4j,
  describeInteg,
  getS3TestEnv,
  type EphemeralNeo4j,
} from "@nbs/testenv";
import { afterAll, beforeAll, expect, it } from "vitest";
import { removeActRuns, runAct, type ActRun } from "../src/act.ts";
import { startOidcIssuer, type OidcIssuer } from "../src/oidc-issuer.ts";
import { startOidcMinio, type OidcMinio } from "../src/oidc-minio.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../src/receiver.ts";
import { baseEnv, repoRoot, run } from "../src/run.ts";

// Both automation workflows run end to end with act in host mode: a dry run without any AWS
// variable, a live run whose credentials come from a real OIDC exchange (a local issuer ->
// MinIO's STS AssumeRoleWithWebIdentity), the weekly verify-restore against what the live run
// committed, and a failing live run that must reach the webhook. See docs/automation.md.
const BUCKET = "nbs-automation";
const PREFIX = "prod";

/**
 * The subjects config/aws/oidc-trust-policy.json trusts, for the repository acme/nbs: the
 * token of a job in the `backups` environment on main, with the repository's subject template
 * ["repo", "context", "ref"] (docs/automation.md). MinIO has no trust policies, so the role
 * policy below denies every other subject (jwt:sub), as AWS's trust policy refuses them.
 */
const TRUSTED: string[] = (() => {
  const text = readFileSync(join(repoRoot, "config/aws/oidc-trust-policy.json"), "utf8")
    .replaceAll("<github-org>", "acme")
    .replaceAll("<github-repo>", "nbs");
  const policy = JSON.parse(text) as {
    Statement: Array<{ Condition: { StringEquals: Record<string, string | string[]> } }>;
  };
  return policy.Statement.flatMap((st) => {
    const sub = st.Condition.StringEquals["token.actions.githubusercontent.com:sub"] ?? [];
    return Array.isArray(sub) ? sub : [sub];
  });
})();
const SUBJECT = "repo:acme/nbs:environment:backups:ref:refs/heads/main";
const BACKUP = ".github/workflows/neo4j-backup-sync.yml";
const VERIFY = ".github/workflows/neo4j-verify-restore.yml";

// What a backup role may do: its prefix only, and nothing for a pull request's token.
const POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [`arn:aws:s3:::${BUCKET}`],
      Condition: { StringLike: { "s3:prefix": [`${PREFIX}/*`] } },
    },
    {
      Effect: "Allow",
      Action: [
        "s3:GetObject",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
      ],
      Resource: [`arn:aws:s3:::${BUCKET}/${PREFIX}/*`],
    },
    {
      Effect: "Deny",
      Action: ["s3:*"],
      Resource: ["arn:aws:s3:::*"],
      Condition: { StringLike: { "jwt:sub": ["repo:*:pull_request"] } },
    },
    {
      Effect: "Deny",
      Action: ["s3:*"],
      Resource: ["arn:aws:s3:::*"],
      Condition: { StringNotEquals: { "jwt:sub": TRUSTED } },
    },
  ],
};

let issuer: OidcIssuer;
let minio: OidcMinio;
let neo4j: EphemeralNeo4j;

beforeAll(async () => {
  // the pinned actionlint, act and shellcheck (built into the cache on first use)
  const tools = await run(
    "bash",
    [
      "-c",
      "source tooling/services/lib.sh && source tooling/automation/tools.sh && automation_tools",
    ],
    baseEnv(),
  );
  expect(tools.code, tools.stderr).toBe(0);
  await getS3TestEnv(); // the service MinIO's certificates are reused, so it must exist
  // The runner's Neo4j: a home of its own, because the live runs stop and start it (backup.sh)
  // and the shared service instance must keep answering the suites running beside this one.
  neo4j = await createEphemeralNeo4j();
  await neo4j.start();
  issuer = await startOidcIssuer(SUBJECT);
  minio = await startOidcMinio({
    issuer: issuer.issuer,
    policyName: "nbs-backup-prod",
    policy: POLICY,
    buckets: [BUCKET],
  });
});

afterAll(async () => {
  removeActRuns();
  await minio?.close();
  await issuer?.close();
  await neo4j?.remove();
});

/** Keys under prod/neo4j/ in the OIDC MinIO's bucket. */
async function objects(): Promise<string[]> {
  const res = await minio.mc(["ls", "--recursive", "--json", `oidc/${BUCKET}/${PREFIX}/neo4j/`]);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => `${PREFIX}/neo4j/${(JSON.parse(l) as { key: string }).key}`)
    .sort();
}

function artifact(act: ActRun, name: string): string {
  const dir = readdirSync(act.artifacts).find((d) => d.startsWith(name) && !d.endsWith(".json"));
  if (!dir)
    throw new Error(
      `no artifact ${name}* in ${readdirSync(act.artifacts).join(", ")}\n${act.stdout.slice(-4000)}`,
    );
  return join(act.artifacts, dir);
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** Variables of a live run "on the self-hosted runner next to Neo4j". */
function liveVars(bucket: string): Record<string, string> {
  return {
    NBS_LIVE_RUNNER: "nbs-neo4j",
    NBS_UPLOAD_ROLE_ARN: minio.roleArn,
    NBS_VERIFY_ROLE_ARN: minio.roleArn,
    BACKUP_S3_BUCKET: bucket,
    BACKUP_S3_PREFIX: PREFIX,
    BACKUP_S3_ENDPOINT: minio.endpoint,
    NEO4J_HOME: neo4j.home,
    NEO4J_URI: neo4j.uri,
  };
}
/** The runner's side of OIDC: what GitHub gives a job with `id-token: write`. */
function runnerEnv(): Record<string, string> {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
    AWS_ENDPOINT_URL_STS: minio.endpoint,
    AWS_CA_BUNDLE: minio.caBundle,
  };
}

describeInteg("the automation workflows under act", () => {
  it("dry run: no AWS variable anywhere, the job succeeds, nothing reaches the bucket, logs and summary are kept", async () => {
    const env = { ...baseEnv() };
    expect(Object.keys(env).filter((k) => k.startsWith("AWS_"))).toEqual([]);
    const act = await runAct({
      workflow: BACKUP,
      event: "workflow_dispatch",
      inputs: { dry_run: "true" },
      vars: {
        BACKUP_S3_BUCKET: BUCKET,
        BACKUP_S3_PREFIX: PREFIX,
        BACKUP_S3_ENDPOINT: minio.endpoint,
        BACKUP_RETENTION_DAYS: "30",
      },
    });
    expect(act.code, act.stdout.slice(-6000)).toBe(0);
    expect(act.stdout).toContain("Summary - ### Neo4j backup sync: ok, dry run (nothing uploaded)");
    expect(await objects()).toEqual([]);
    const logs = artifact(act, "neo4j-backup-sync-neo4j-");
    expect(readJson<{ retention_days: number }>(`${logs}.json`).retention_days).toBe(14);
    expect(readJson(join(logs, "result.json"))).toMatchObject({
      dry_run: true,
      exit_code: 0,
      databases: [
        {
          database: "neo4j",
          // the dump's downtime, measured over Bolt, is in the summary row
          dump: expect.stringMatching(/^dumped, down \d+\.\d s$/),
          upload: "dry-run",
          failed_step: null,
        },
      ],
    });
    // the repository variable reaches nbs-upload: the sidecar it would write records it
    expect(readJson(join(logs, "neo4j.upload.json"))).toMatchObject({
      outcome: "dry-run",
      bucket: BUCKET,
      meta: { retention_days: 30 },
    });
    expect(readJson(join(logs, "neo4j.verify.json"))).toMatchObject({
      outcome: "verified",
      mode: "checksum",
    });
    expect(readFileSync(join(logs, "summary.md"), "utf8")).toMatch(
      /^\| neo4j \| dumped, down \d+\.\d s \| dry-run \| verified \(checksum\) \|/m,
    );
    expect(issuer.issued).toEqual([]); // no credentials were even asked for
  });

  it("live: the job's OIDC token is exchanged at STS and the backup commits under the prefix", async () => {
    const act = await runAct({
      workflow: BACKUP,
      event: "workflow_dispatch",
      inputs: { dry_run: "false" },
      vars: liveVars(BUCKET),
      secrets: { NEO4J_PASSWORD: neo4j.password },
      env: runnerEnv(),
      extraLabels: ["nbs-neo4j"],
    });
    expect(act.code, act.stdout.slice(-6000)).toBe(0);
    expect(issuer.issued).toEqual([
      expect.objectContaining({ sub: SUBJECT, aud: "sts.amazonaws.com" }),
    ]);
    const keys = await objects();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(new RegExp(`^${PREFIX}/neo4j/neo4j-\\d{8}T\\d{6}Z\\.dump$`));
    expect(keys[1]).toBe(`${keys[0]}.meta.json`);
    const logs = artifact(act, "neo4j-backup-sync-neo4j-");
    expect(readJson(join(logs, "result.json"))).toMatchObject({
      dry_run: false,
      exit_code: 0,
      databases: [{ upload: "uploaded", verify: "verified (checksum)", key: keys[0] }],
    });
    expect(act.stdout).toContain("Summary - ### Neo4j backup sync: ok, live");
    expect(act.stdout).not.toMatch(/SecretAccessKey|SessionToken>/);
  });

  it("verify-restore: the newest backup under the prefix loads into an ephemeral Neo4j, and its verification is recorded next to it", async () => {
    const before = await objects();
    const act = await runAct({
      workflow: VERIFY,
      event: "workflow_dispatch",
      inputs: { mode: "load" },
      vars: liveVars(BUCKET),
      env: runnerEnv(),
    });
    expect(act.code, act.stdout.slice(-6000)).toBe(0);
    const report = artifact(act, "neo4j-verify-restore-neo4j-");
    expect(readJson(join(report, "report.json"))).toMatchObject({
      ok: true,
      outcome: "verified",
      mode: "load",
    });
    expect(readJson<{ retention_days: number }>(`${report}.json`).retention_days).toBe(30);
    expect(readFileSync(join(report, "summary.md"), "utf8")).toContain("verified");
    expect(act.stdout).toContain("Summary - ### nbs-verify");
    const added = (await objects()).filter((k) => !before.includes(k));
    expect(added).toEqual([
      expect.stringMatching(new RegExp(`^${before[0]}\\.verify/\\d{8}T\\d{9}Z-load\\.json$`)),
    ]);
  });

  it("a failing live run (missing bucket) fails the job, keeps the logs and notifies the webhook", async () => {
    const receiver: WebhookReceiver = await startWebhookReceiver();
    try {
      const act = await runAct({
        workflow: BACKUP,
        event: "workflow_dispatch",
        inputs: { dry_run: "false", verify: "none" },
        vars: liveVars("nbs-no-such-bucket"),
        secrets: { NEO4J_PASSWORD: neo4j.password, NBS_NOTIFY_WEBHOOK: receiver.url },
        env: runnerEnv(),
        extraLabels: ["nbs-neo4j"],
      });
      expect(act.code).not.toBe(0);
      expect(receiver.received).toEqual([
        expect.objectContaining({
          database: "neo4j",
          step: "upload",
          exit_code: 4,
          key: expect.stringMatching(/^prod\/neo4j\/neo4j-\d{8}T\d{6}Z\.dump$/),
          text: expect.stringContaining(
            "Neo4j backup sync failed: database neo4j, step upload, exit 4",
          ),
        }),
      ]);
      const logs = artifact(act, "neo4j-backup-sync-neo4j-");
      expect(readJson(join(logs, "result.json"))).toMatchObject({ exit_code: 4 });
      const uploadLog = readFileSync(join(logs, "neo4j.upload.log"), "utf8");
      expect(uploadLog).toContain('"event":"upload.result"');
      expect(existsSync(join(logs, "neo4j.dump.log"))).toBe(true);
      const secretPath = new URL(receiver.url).pathname;
      const everything = [
        act.stdout,
        act.stderr,
        ...readdirSync(logs).map((f) => readFileSync(join(logs, f), "utf8")),
      ];
      expect(everything.join("\n")).not.toContain(secretPath);
    } finally {
      await receiver.close();
    }
  });
});

/** AssumeRoleWithWebIdentity at the OIDC MinIO's STS, unsigned, as the credential step does it. */
async function assumeRole(token: string): Promise<{ status: number; env: Record<string, string> }> {
  const ca = readFileSync(minio.caBundle, "utf8");
  const body = new URLSearchParams({
    Action: "AssumeRoleWithWebIdentity",
    Version: "2011-06-15",
    RoleArn: minio.roleArn,
    WebIdentityToken: token,
  }).toString();
  const text = await new Promise<{ status: number; xml: string }>((resolve, reject) => {
    const req = request(
      minio.endpoint,
      { method: "POST", ca, headers: { "content-type": "application/x-www-form-urlencoded" } },
      (res) => {
        let xml = "";
        res.on("data", (c: Buffer) => (xml += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, xml }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text.xml)?.[1] ?? "";
  return {
    status: text.status,
    env: {
      AWS_ACCESS_KEY_ID: tag("AccessKeyId"),
      AWS_SECRET_ACCESS_KEY: tag("SecretAccessKey"),
      AWS_SESSION_TOKEN: tag("SessionToken"),
    },
  };
}

/** nbs-upload of a small random file as database `db`, with the given credentials. */
async function uploadAs(db: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "nbs-oidc-"));
  const file = join(dir, `${db}-20261130T000000Z.dump`);
  writeFileSync(file, createHash("sha256").update(db).digest());
  return run(
    join(repoRoot, "scripts/neo4j/upload_backup_to_s3.sh"),
    ["--file", file, "--bucket", BUCKET, "--prefix", PREFIX, "--allow-any-file"],
    {
      ...baseEnv(),
      NBS_LOG_FORMAT: "json",
      BACKUP_S3_ENDPOINT: minio.endpoint,
      AWS_CA_BUNDLE: minio.caBundle,
      AWS_REGION: "us-east-1",
      ...env,
    },
  );
}

describeInteg("the backup workflow when the role cannot be assumed", () => {
  it("fails at the credential step, before any dump, and still notifies and keeps result.json", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const act = await runAct({
        workflow: BACKUP,
        event: "workflow_dispatch",
        inputs: { dry_run: "false" },
        vars: { ...liveVars(BUCKET), NBS_UPLOAD_ROLE_ARN: "arn:minio:iam:::role/not-this-one" },
        secrets: { NBS_NOTIFY_WEBHOOK: receiver.url },
        env: runnerEnv(),
        extraLabels: ["nbs-neo4j"],
      });
      expect(act.code).not.toBe(0);
      expect(act.stdout).toContain("AssumeRoleWithWebIdentity refused (HTTP 400");
      expect(act.stdout).not.toContain("backup_sync.sh: neo4j: dump");
      expect(receiver.received).toEqual([
        expect.objectContaining({ database: "neo4j", step: "setup", exit_code: 1, key: null }),
      ]);
      const logs = artifact(act, "neo4j-backup-sync-neo4j-");
      expect(readdirSync(logs)).toEqual(["result.json"]);
    } finally {
      await receiver.close();
    }
  });
});

describeInteg("MinIO's STS with the local issuer (what the live run relies on)", () => {
  it("refuses a token for another audience", async () => {
    const res = await assumeRole(issuer.mint({ sub: SUBJECT, aud: "https://github.com/acme" }));
    expect(res.status).toBe(400);
    expect(res.env.AWS_ACCESS_KEY_ID).toBe("");
  });

  it("refuses a tampered token", async () => {
    const [header, , signature] = issuer
      .mint({ sub: SUBJECT, aud: "sts.amazonaws.com" })
      .split(".");
    const forged = Buffer.from(
      JSON.stringify({
        iss: issuer.issuer,
        sub: SUBJECT,
        aud: "sts.amazonaws.com",
        exp: 4102444800,
      }),
    ).toString("base64url");
    const res = await assumeRole(`${header}.${forged}.${signature}`);
    expect(res.status).toBe(400);
    expect(res.env.AWS_ACCESS_KEY_ID).toBe("");
  });

  it("the trust policy names one subject: the backups environment on main", () => {
    expect(TRUSTED).toEqual([SUBJECT]);
  });

  it.each([
    [
      "another branch in the backups environment",
      "repo:acme/nbs:environment:backups:ref:refs/heads/evil",
    ],
    ["the default subject template's environment subject", "repo:acme/nbs:environment:backups"],
    ["main outside the environment", "repo:acme/nbs:ref:refs/heads/main"],
    ["another repository", "repo:acme/fork:environment:backups:ref:refs/heads/main"],
  ])(
    "denies any access to %s (the trust policy's subjects as a jwt:sub condition)",
    async (_what, sub) => {
      const res = await assumeRole(issuer.mint({ sub, aud: "sts.amazonaws.com" }));
      expect(res.status).toBe(200); // MinIO has no trust policy; the role policy refuses instead
      const upload = await uploadAs("othersub", res.env);
      expect(upload.code, upload.stderr).toBe(4);
      expect(upload.stderr).toContain("access denied");
    },
  );

  it("denies a pull request's token any access through the jwt:sub condition", async () => {
    const res = await assumeRole(
      issuer.mint({ sub: "repo:acme/nbs:pull_request", aud: "sts.amazonaws.com" }),
    );
    expect(res.status).toBe(200);
    const upload = await uploadAs("prtoken", res.env);
    expect(upload.code, upload.stderr).toBe(4);
    expect(upload.stderr).toContain("access denied");
  });

  it("empty AWS key variables (config/docker.yaml with no static keys) leave the chain to the web identity", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-wit-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, issuer.mint({ sub: SUBJECT, aud: "sts.amazonaws.com" }), {
      mode: 0o600,
    });
    const upload = await uploadAs("emptykeys", {
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_SESSION_TOKEN: "",
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: minio.roleArn,
      AWS_ENDPOINT_URL_STS: minio.endpoint,
      NODE_EXTRA_CA_CERTS: minio.caBundle,
    });
    expect(upload.code, upload.stderr).toBe(0);
    const stored = await minio.mc(["ls", `oidc/${BUCKET}/${PREFIX}/emptykeys/`]);
    expect(stored.stdout).toContain("emptykeys-20261130T000000Z.dump.meta.json");
  });

  it("the AWS SDK's default chain does the exchange itself from AWS_WEB_IDENTITY_TOKEN_FILE", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nbs-wit-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, issuer.mint({ sub: SUBJECT, aud: "sts.amazonaws.com" }), {
      mode: 0o600,
    });
    const upload = await uploadAs("sdkchain", {
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: minio.roleArn,
      AWS_ENDPOINT_URL_STS: minio.endpoint,
      NODE_EXTRA_CA_CERTS: minio.caBundle, // STS is https with the local CA too
    });
    expect(upload.code, upload.stderr).toBe(0);
    const stored = await minio.mc(["ls", `oidc/${BUCKET}/${PREFIX}/sdkchain/`]);
    expect(stored.stdout).toContain("sdkchain-20261130T000000Z.dump.meta.json");
  });
});
