import { createSign, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Claims of a GitHub Actions OIDC token that the tests vary. */
interface TokenClaims {
  sub: string;
  aud: string;
  [claim: string]: unknown;
}

export interface OidcIssuer {
  /** `iss` of every token, and where `/.well-known/openid-configuration` is served. */
  issuer: string;
  /** Like the Actions runtime's: append `&audience=...`, send the bearer token below. */
  requestUrl: string;
  requestToken: string;
  /** A signed token with these claims (iss, iat, nbf, exp, jti added). */
  mint(claims: TokenClaims): string;
  /** Every token handed out by `/token`, newest last. */
  issued: TokenClaims[];
  close(): Promise<void>;
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString("base64url");

/**
 * A local stand-in for GitHub's OIDC provider (token.actions.githubusercontent.com) and the
 * runner's token endpoint: discovery document, JWKS with one fresh RSA key, RS256 tokens.
 * `subject` is the `sub` the token endpoint puts in tokens (GitHub derives it from the run).
 */
export async function startOidcIssuer(subject: string): Promise<OidcIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomUUID();
  const requestToken = randomBytes(24).toString("base64url");
  const issued: TokenClaims[] = [];
  let issuer = "";

  const mint = (claims: TokenClaims): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }));
    const payload = b64url(
      JSON.stringify({
        iss: issuer,
        iat: now,
        nbf: now - 5,
        exp: now + 300,
        jti: randomUUID(),
        ...claims,
      }),
    );
    const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") {
      json(200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks`,
        subject_types_supported: ["public", "pairwise"],
        response_types_supported: ["id_token"],
        claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository"],
        id_token_signing_alg_values_supported: ["RS256"],
        scopes_supported: ["openid"],
      });
    } else if (url.pathname === "/.well-known/jwks") {
      json(200, {
        keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }],
      });
    } else if (url.pathname === "/token") {
      if (req.headers.authorization !== `Bearer ${requestToken}`) {
        json(401, { message: "bad request token" });
        return;
      }
      const claims: TokenClaims = {
        sub: subject,
        aud: url.searchParams.get("audience") ?? "https://github.com",
        repository: subject.split(":")[1],
        ref: "refs/heads/main",
      };
      issued.push(claims);
      json(200, { value: mint(claims) });
    } else {
      json(404, { message: "not found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    requestUrl: `${issuer}/token?api-version=2.0`,
    requestToken,
    mint,
    issued,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
