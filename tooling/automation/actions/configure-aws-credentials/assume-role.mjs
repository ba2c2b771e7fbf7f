// The stand-in's exchange, as the real action does it: request the job's OIDC token from the
// runner (ACTIONS_ID_TOKEN_REQUEST_URL + _TOKEN, audience appended), call STS
// AssumeRoleWithWebIdentity (unsigned; AWS_ENDPOINT_URL_STS or the regional endpoint), mask
// the temporary keys and export them through $GITHUB_ENV. The token is never printed.
import { appendFileSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { rootCertificates } from "node:tls";

const env = process.env;
const fail = (message) => {
  console.log(`::error::${message}`);
  process.exit(1);
};

const role = env.INPUT_ROLE;
const region = env.INPUT_REGION;
if (!role) fail("role-to-assume is empty: set the repository variable holding the role ARN");
if (!region) fail("aws-region is empty");
if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
  fail("no OIDC token available: the job needs `permissions: id-token: write`");

const tokenUrl = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL);
tokenUrl.searchParams.set("audience", env.INPUT_AUDIENCE || "sts.amazonaws.com");
const tokenRes = await fetch(tokenUrl, {
  headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  signal: AbortSignal.timeout(10_000),
});
if (!tokenRes.ok) fail(`the OIDC token request was refused (HTTP ${tokenRes.status})`);
const { value: token } = await tokenRes.json();

const sts = new URL(env.AWS_ENDPOINT_URL_STS || `https://sts.${region}.amazonaws.com`);
const form = new URLSearchParams({
  Action: "AssumeRoleWithWebIdentity",
  Version: "2011-06-15",
  RoleArn: role,
  RoleSessionName: env.INPUT_SESSION || "GitHubActions",
  DurationSeconds: env.INPUT_DURATION || "3600",
  WebIdentityToken: token,
}).toString();
const ca = env.AWS_CA_BUNDLE
  ? [...rootCertificates, readFileSync(env.AWS_CA_BUNDLE, "utf8")]
  : undefined;
const { status, body } = await new Promise((resolve, reject) => {
  const req = request(
    sts,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      timeout: 15_000,
      ...(ca ? { ca } : {}),
    },
    (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    },
  );
  req.on("timeout", () => req.destroy(new Error("STS did not answer within 15 s")));
  req.on("error", reject);
  req.end(form);
}).catch((error) => fail(`could not reach STS at ${sts.origin}: ${error.message}`));

const tag = (name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
if (status !== 200) {
  fail(
    `AssumeRoleWithWebIdentity refused (HTTP ${status}, ${tag("Code") ?? "?"}): ${tag("Message") ?? ""}`,
  );
}
const keys = {
  AWS_ACCESS_KEY_ID: tag("AccessKeyId"),
  AWS_SECRET_ACCESS_KEY: tag("SecretAccessKey"),
  AWS_SESSION_TOKEN: tag("SessionToken"),
};
if (!keys.AWS_ACCESS_KEY_ID || !keys.AWS_SECRET_ACCESS_KEY || !keys.AWS_SESSION_TOKEN)
  fail("AssumeRoleWithWebIdentity answered without credentials");
for (const secret of Object.values(keys)) console.log(`::add-mask::${secret}`);
const lines = { ...keys, AWS_REGION: region, AWS_DEFAULT_REGION: region };
appendFileSync(
  env.GITHUB_ENV,
  Object.entries(lines)
    .map(([k, v]) => `${k}=${v}\n`)
    .join(""),
);
console.log(`assumed ${role} until ${tag("Expiration") ?? "?"}`);
