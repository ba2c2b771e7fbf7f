import { describe, expect, it } from "vitest";
import { resolveVerifySettings } from "./settings.js";

const KEY = "prod/neo4j/neo4j-20261124T101500Z.dump";

describe("verify settings", () => {
  it("waits 10 minutes for indexes unless --index-timeout / NBS_INDEX_TIMEOUT says; 0 is refused", () => {
    const timeout = (flags: Record<string, unknown>, env: Record<string, string> = {}) =>
      resolveVerifySettings({ mode: "load", file: "/x.dump", ...flags }, env, {}).settings
        .indexTimeout;
    expect(timeout({})).toBe(600_000);
    expect(timeout({ indexTimeout: "2m" })).toBe(120_000);
    expect(timeout({}, { NBS_INDEX_TIMEOUT: "45" })).toBe(45_000);
    expect(() => timeout({ indexTimeout: "0" })).toThrow(
      expect.objectContaining({ code: "SETTING_INVALID" }),
    );
  });

  it("takes a flag over the environment over the config file over the default", () => {
    const env = { BACKUP_S3_BUCKET: "from-env", BACKUP_S3_PREFIX: "env-prefix" };
    const file = { bucket: "from-file", prefix: "file-prefix", maxAttempts: 8 };
    const { settings, origins } = resolveVerifySettings(
      { bucket: "from-flag", latest: true, mode: "checksum" },
      env,
      file,
    );
    expect(settings.source).toEqual({ kind: "latest", bucket: "from-flag", prefix: "env-prefix" });
    expect(settings.maxAttempts).toBe(8);
    expect(origins).toMatchObject({
      bucket: "flag",
      prefix: "env",
      maxAttempts: "file",
      expectMinRows: "default",
    });
  });

  it("resolves each kind of source", () => {
    const s = (flags: Record<string, unknown>, env: Record<string, string> = {}) =>
      resolveVerifySettings({ mode: "checksum", ...flags }, env, {}).settings.source;
    expect(s({ s3Uri: `s3://acme/${KEY}` })).toEqual({ kind: "s3", bucket: "acme", key: KEY });
    expect(s({ bucket: "acme", key: `/${KEY}` })).toEqual({ kind: "s3", bucket: "acme", key: KEY });
    expect(s({ key: KEY }, { BACKUP_S3_BUCKET: "acme" })).toEqual({
      kind: "s3",
      bucket: "acme",
      key: KEY,
    });
    expect(
      s({ latest: true, prefix: "/prod/", db: "movies" }, { BACKUP_S3_BUCKET: "acme" }),
    ).toEqual({ kind: "latest", bucket: "acme", prefix: "prod", db: "movies" });
    expect(s({ file: "/var/backups/x.dump" }, { BACKUP_S3_BUCKET: "acme" })).toEqual({
      kind: "file",
      path: "/var/backups/x.dump",
    });
    // the bucket from the environment does not fight an explicit URI
    expect(s({ s3Uri: `s3://other/${KEY}` }, { BACKUP_S3_BUCKET: "acme" })).toEqual({
      kind: "s3",
      bucket: "other",
      key: KEY,
    });
  });

  it("refuses zero or several sources, and a bucket without a key, as usage errors", () => {
    const fail = (flags: Record<string, unknown>, code: string, message: string | RegExp) =>
      expect(() => resolveVerifySettings({ mode: "checksum", ...flags }, {}, {})).toThrow(
        expect.objectContaining({
          code,
          category: "USAGE",
          message: expect.stringMatching(message),
        }),
      );
    fail({}, "SETTING_MISSING", "no backup to verify");
    fail(
      { file: "x.dump", latest: true, bucket: "acme" },
      "FLAGS_CONFLICT",
      "--file and --latest name different sources",
    );
    fail({ s3Uri: `s3://acme/${KEY}`, key: KEY }, "FLAGS_CONFLICT", "--s3-uri and --key");
    fail(
      { s3Uri: `s3://acme/${KEY}`, bucket: "other" },
      "FLAGS_CONFLICT",
      "--bucket other conflicts with --s3-uri",
    );
    fail({ latest: true }, "SETTING_MISSING", "missing --bucket");
    fail({ s3Uri: "https://acme/x" }, "S3_URI_INVALID", "not an S3 URI");
    fail({ latest: true, bucket: "Bad_Bucket" }, "BUCKET_NAME_INVALID", "invalid bucket name");
  });

  it("defaults the mode to load only when a Neo4j home is known", () => {
    const mode = (flags: Record<string, unknown>, env: Record<string, string> = {}) =>
      resolveVerifySettings({ file: "x.dump", ...flags }, env, {}).settings.mode;
    expect(mode({}, { NEO4J_HOME: "/opt/neo4j" })).toBe("load");
    expect(mode({ mode: "check" })).toBe("check");
    expect(() => mode({})).toThrow(expect.objectContaining({ code: "NEO4J_HOME_REQUIRED" }));
  });

  it("treats --skip-load as --mode checksum and refuses it with another explicit mode", () => {
    const r = (flags: Record<string, unknown>, env: Record<string, string> = {}) =>
      resolveVerifySettings({ file: "x.dump", ...flags }, env, {}).settings.mode;
    expect(r({ skipLoad: true }, { NEO4J_HOME: "/opt/neo4j" })).toBe("checksum");
    expect(r({ skipLoad: true }, { NBS_VERIFY_MODE: "load" })).toBe("checksum");
    expect(() => r({ skipLoad: true, mode: "load" })).toThrow(
      expect.objectContaining({
        code: "FLAGS_CONFLICT",
        message: "--skip-load conflicts with --mode load",
      }),
    );
  });

  it("checks --db, --expect-min-rows and numbers", () => {
    expect(() =>
      resolveVerifySettings({ file: "x", mode: "checksum", db: "no/slash" }, {}, {}),
    ).toThrow(expect.objectContaining({ code: "DB_NAME_INVALID" }));
    expect(() =>
      resolveVerifySettings({ file: "x", mode: "load", expectMinRows: "3" }, {}, {}),
    ).toThrow(
      expect.objectContaining({
        code: "SETTING_MISSING",
        message: "--expect-min-rows needs --smoke-query",
      }),
    );
    expect(
      resolveVerifySettings(
        { file: "x", mode: "load", smokeQuery: "RETURN 1", expectMinRows: "0" },
        {},
        {},
      ).settings.expectMinRows,
    ).toBe(0);
    expect(() =>
      resolveVerifySettings(
        { file: "x", mode: "load", smokeQuery: "RETURN 1", expectMinRows: "-1" },
        {},
        {},
      ),
    ).toThrow(expect.objectContaining({ code: "SETTING_INVALID" }));
  });

  it("uses us-east-1 with an endpoint and no region", () => {
    expect(
      resolveVerifySettings(
        { file: "x", mode: "checksum" },
        { BACKUP_S3_ENDPOINT: "http://127.0.0.1:9000" },
        {},
      ).settings.region,
    ).toBe("us-east-1");
  });
});
