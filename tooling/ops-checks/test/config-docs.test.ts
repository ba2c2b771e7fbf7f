import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DUMP_SETTINGS, RETENTION_SETTINGS, UPLOAD_SETTINGS } from "@nbs/upload-cli";
import {
  LIST_SETTINGS,
  RESTORE_SET_SETTINGS,
  RESTORE_SETTINGS,
  VERIFY_SETTINGS,
} from "@nbs/verify-cli";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const README = readFileSync(join(ROOT, "config/README.md"), "utf8");
const COMPOSE_TEXT = readFileSync(join(ROOT, "config/docker.yaml"), "utf8");

interface ComposeService {
  image: string;
  environment?: Record<string, string>;
  profiles?: string[];
  user?: string;
  entrypoint?: string[];
  command?: string[];
  depends_on?: Record<string, unknown>;
}
interface Compose {
  services: Record<string, ComposeService>;
}

function composeFile(): Compose {
  const doc = parseDocument(COMPOSE_TEXT, { uniqueKeys: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  return doc.toJS() as Compose;
}

/** The Compose specification's JSON schema, as shipped in the dclint package (npm). */
function composeSchema(): object {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("dclint/package.json"));
  const schema = JSON.parse(
    readFileSync(join(dir, "schemas/compose.schema.json"), "utf8"),
  ) as Record<string, unknown>;
  // it names draft-07 by an https URL ajv does not know; draft-07 is ajv's default anyway
  delete schema["$schema"];
  return schema;
}

const TABLES: Record<string, Record<string, { env: readonly string[] }>> = {
  UPLOAD_SETTINGS,
  DUMP_SETTINGS,
  RETENTION_SETTINGS,
  VERIFY_SETTINGS,
  LIST_SETTINGS,
  RESTORE_SETTINGS,
  RESTORE_SET_SETTINGS,
};
const documented = (name: string) => README.includes(`\`${name}\``);

describe("config/README.md", () => {
  it.each(Object.entries(TABLES))("documents every environment name of %s", (_name, table) => {
    const names = Object.values(table).flatMap((spec) => spec.env);
    expect(names.filter((n) => !documented(n))).toEqual([]);
  });

  it.each(Object.entries(TABLES))("documents every flag of %s", (_name, table) => {
    const flags = Object.keys(table).map(
      (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    );
    expect(flags.filter((f) => !README.includes(f))).toEqual([]);
  });
});

describe("config/docker.yaml", () => {
  it("validates against the Compose specification's JSON schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(composeSchema());
    validate(composeFile());
    expect(validate.errors ?? []).toEqual([]);
  });

  it("runs Neo4j 5.26 Community, MinIO and the nbs backup job", () => {
    const { services } = composeFile();
    expect(Object.keys(services).sort()).toEqual([
      "backup-dump",
      "backup-upload",
      "backup-verify",
      "minio",
      "minio-setup",
      "neo4j",
    ]);
    expect(services["neo4j"]!.image).toMatch(/^neo4j:5\.26(\.\d+)?-community$/);
    expect(services["backup-dump"]!.image).toBe(services["neo4j"]!.image);
    expect(services["minio"]!.image).toMatch(/^minio\/minio:RELEASE\./);
    expect(services["backup-upload"]!.profiles).toEqual(["backup"]);
    expect(services["backup-verify"]!.profiles).toEqual(["backup"]);
  });

  it("wires the job with the documented BACKUP_* settings of nbs-upload", () => {
    const env = Object.keys(composeFile().services["backup-upload"]!.environment ?? {});
    for (const name of [
      "BACKUP_S3_BUCKET",
      "BACKUP_S3_PREFIX",
      "BACKUP_RETENTION_DAYS",
      "BACKUP_USE_SSE_KMS",
      "BACKUP_KMS_KEY_ARN",
      "BACKUP_S3_ENDPOINT",
    ]) {
      expect(env).toContain(name);
    }
    const known = new Set([
      ...Object.values(UPLOAD_SETTINGS).flatMap((spec) => spec.env),
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
    ]);
    expect(env.filter((n) => !known.has(n))).toEqual([]);
  });

  it("takes every variable from the environment, each documented, no secret written in it", () => {
    const variables = [...COMPOSE_TEXT.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect([...new Set(variables)].filter((v) => !documented(v))).toEqual([]);
    for (const service of Object.values(composeFile().services)) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        // a secret is only ever a reference to the environment, never a literal
        if (/PASSWORD|SECRET|AUTH|TOKEN/.test(name))
          expect(value, name).toMatch(/^(neo4j\/)?\$\{[A-Z0-9_]+(:[-?][^}]*)?\}+$/);
      }
    }
  });

  // issue 20, item 15
  it("uses AWS S3 unless BACKUP_S3_ENDPOINT is set: no silent fallback to MinIO", () => {
    const env = composeFile().services["backup-upload"]!.environment!;
    expect(env["BACKUP_S3_ENDPOINT"]).toMatch(/^\$\{BACKUP_S3_ENDPOINT(:-)?\}$/);
    expect(composeFile().services["backup-upload"]!.depends_on).toBeUndefined();
  });

  it("does not require static keys, so an instance role or OIDC credentials work", () => {
    const env = composeFile().services["backup-upload"]!.environment!;
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
      expect(env[name], name).toBeDefined();
      expect(env[name], name).not.toContain(":?");
      expect(env[name], name).toMatch(/:-\}+$/); // empty when unset: the SDK's chain goes on
    }
  });

  it("runs neo4j-admin dump as the neo4j user, after handing it the backups volume", () => {
    const dump = composeFile().services["backup-dump"]!;
    const script = (dump.command ?? []).join(" ");
    expect(script).toMatch(/^chown neo4j:neo4j \/backups && /);
    expect(script).toMatch(
      /exec setpriv --reuid=neo4j --regid=neo4j --init-groups\s+neo4j-admin database dump /,
    );
    // root only for the chown: nothing else runs before the dump
    expect(script.split("&&")).toHaveLength(2);
  });
});
