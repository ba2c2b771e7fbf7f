import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_CODES_HELP } from "@nbs/cli-kit";
import { localBackup as backupFile, runMain, sha256 as sha } from "@nbs/testenv/doubles";
import { main } from "./main.js";

const run = (argv: string[], env: Record<string, string> = {}) => runMain(main, argv, env);

const dump = Buffer.concat([
  Buffer.from("DZV1"),
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  randomBytes(2048),
]);
/** The dump in a temp directory (`dir`), with a sidecar of `sidecar`'s fields when given. */
function localBackup(sidecar?: Record<string, unknown>): { dir: string; file: string } {
  const file = backupFile({ bytes: dump, described: sidecar ? dump : null, meta: sidecar });
  return { dir: dirname(file), file };
}

describe("nbs-verify command line", () => {
  it("exits 2 with a one-line message and a hint on an unknown flag", async () => {
    const { code, err } = await run(["--s3uri", "x"]);
    expect(code).toBe(2);
    expect(err).toMatch(/^nbs-verify: Unknown argument: s3uri\n {2}hint: see nbs-verify --help\n$/);
  });

  it("documents the outcomes, --sha256 and the --latest rule in --help, ending with the exit codes", async () => {
    const { code, out, err } = await run(["--help"]);
    expect(code).toBe(0);
    expect(err).toBe("");
    expect(out.endsWith(`\n\n${EXIT_CODES_HELP}\n`)).toBe(true);
    expect(out.split("Exit codes:")).toHaveLength(2);
    const help = out.replace(/\s+/g, " ");
    expect(help).toContain("--sha256");
    expect(help).toContain("unverified (exit 5)");
    expect(help).toContain("never a fall-back");
    expect(help).toContain("listed as uncommitted");
  });

  it("documents --record / NBS_VERIFY_RECORD in --help, and refuses it for a --file (nowhere to record) with exit 2", async () => {
    const help = (await run(["--help"])).out.replace(/\s+/g, " ");
    expect(help).toContain("--record");
    expect(help).toContain("NBS_VERIFY_RECORD");
    expect(help).toContain("VERIFY_RECORD_FAILED");
    const { file } = localBackup({});
    for (const [argv, env] of [
      [["--file", file, "--mode", "checksum", "--record"], {}],
      [["--file", file, "--mode", "checksum"], { NBS_VERIFY_RECORD: "1" }],
    ] as const) {
      const { code, err } = await run([...argv], env);
      expect(code).toBe(2);
      expect(err).toMatch(
        /^nbs-verify: --record needs a backup in S3; .*\n {2}hint: .*NBS_VERIFY_RECORD/,
      );
    }
  });

  it("refuses a flag given twice with exit 2 and one line naming it, before any work", async () => {
    const { code, out, err } = await run([
      "--file",
      "/nonexistent.dump",
      "--mode",
      "checksum",
      "--mode",
      "load",
      "--json",
    ]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe(
      "nbs-verify: --mode was given more than once\n" +
        "  hint: give each flag once (nbs options take one value); see nbs-verify --help\n",
    );
  });

  it("exits 2 when no backup is named", async () => {
    const { code, err } = await run(["--mode", "checksum"]);
    expect(code).toBe(2);
    expect(err).toContain("nbs-verify: no backup to verify");
  });

  it("verifies a local dump against its local sidecar, writing the report and appending the summary", async () => {
    const { dir, file } = localBackup({});
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "earlier step\n");
    const { code, out, err } = await run([
      "--file",
      file,
      "--skip-load",
      "--json",
      "--report",
      join(dir, "report.json"),
      "--summary-md",
      summary,
    ]);
    expect(code, err).toBe(0);
    const doc = JSON.parse(out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      ok: true,
      outcome: "verified",
      mode: "checksum",
      sha256: { expected: sha(dump), actual: sha(dump) },
      exit_code: 0,
    });
    expect(JSON.parse(readFileSync(join(dir, "report.json"), "utf8"))).toMatchObject({
      ok: true,
      source: { kind: "file", path: file },
    });
    const md = readFileSync(summary, "utf8");
    expect(md.startsWith("earlier step\n### nbs-verify: ✅ verified")).toBe(true);
    expect(
      err
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { event: string }).event),
    ).toEqual(
      expect.arrayContaining([
        "verify.start",
        "verify.source",
        "verify.integrity",
        "verify.report.written",
        "verify.result",
      ]),
    );
  });

  it("exits 5 on a sidecar mismatch, with the report in --json, the report file and a ❌ summary", async () => {
    const { dir, file } = localBackup({ sha256: "e".repeat(64) });
    const { code, out } = await run([
      "--file",
      file,
      "--mode",
      "checksum",
      "--json",
      "--report",
      join(dir, "r.json"),
      "--summary-md",
      join(dir, "s.md"),
    ]);
    expect(code).toBe(5);
    const doc = JSON.parse(out) as {
      ok: boolean;
      error: { code: string; message: string };
      report: { checks: Array<{ id: string; status: string }> };
    };
    expect(doc).toMatchObject({
      ok: false,
      exit_code: 5,
      error: {
        code: "STORED_CHECKSUM_MISMATCH",
        category: "INTEGRITY",
        message: expect.stringContaining("sha256 = sidecar: expected eeeeeeeeeeee…"),
      },
    });
    expect(doc.report.checks.find((c) => c.id === "sha256.sidecar")?.status).toBe("fail");
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8"))).toMatchObject({
      ok: false,
      failure: { code: "STORED_CHECKSUM_MISMATCH", category: "INTEGRITY" },
    });
    expect(readFileSync(join(dir, "s.md"), "utf8")).toContain("❌ failed");
  });

  it("exits 5 'unverified' for a local dump with no sidecar and no --sha256, naming both ways to give a reference", async () => {
    const { dir, file } = localBackup();
    const { code, out } = await run([
      "--file",
      file,
      "--mode",
      "checksum",
      "--json",
      "--summary-md",
      join(dir, "s.md"),
    ]);
    expect(code).toBe(5);
    const doc = JSON.parse(out) as {
      error: { code: string; message: string; hint: string };
      report: Record<string, unknown>;
    };
    expect(doc.error).toMatchObject({
      code: "UNVERIFIED",
      message: expect.stringContaining("is unverified: no sidecar and no --sha256"),
    });
    expect(doc.error.hint).toContain("--sha256");
    expect(doc.error.hint).toContain("neo4j-20261124T101500Z.dump.meta.json");
    expect(doc.report).toMatchObject({
      ok: false,
      outcome: "unverified",
      sha256: { actual: sha(dump) },
    });
    const md = readFileSync(join(dir, "s.md"), "utf8");
    expect(md).toContain("### nbs-verify: ⚠️ unverified");
    expect(md).toContain("hint: pass the sha256 recorded when the backup was taken with --sha256");
  });

  it("verifies a local dump with no sidecar against --sha256 (sha256sum's case or upper case)", async () => {
    const { file } = localBackup();
    const ok = await run([
      "--file",
      file,
      "--mode",
      "checksum",
      "--sha256",
      sha(dump).toUpperCase(),
      "--json",
    ]);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ outcome: "verified", exit_code: 0 });
    const wrong = await run(["--file", file, "--mode", "checksum", "--sha256", "0".repeat(64)]);
    expect(wrong.code).toBe(5);
  });

  it("exits 2 on a --sha256 that is not 64 hex digits", async () => {
    const { file } = localBackup();
    const { code, err } = await run([
      "--file",
      file,
      "--mode",
      "checksum",
      "--sha256",
      sha(dump).slice(1),
    ]);
    expect(code).toBe(2);
    expect(err).toMatch(
      /^nbs-verify: --sha256 must be 64 hex digits, got "[0-9a-f]{63}"\n {2}hint: /,
    );
  });

  it("exits 3 on a missing local file", async () => {
    const { code, out } = await run([
      "--file",
      "/nonexistent/x.dump",
      "--mode",
      "checksum",
      "--json",
    ]);
    expect(code).toBe(3);
    expect(JSON.parse(out)).toMatchObject({
      error: { code: "FILE_NOT_FOUND", category: "INPUT" },
    });
  });

  it("prints a dry-run plan for a local dump without reading it", async () => {
    const { file } = localBackup({});
    const { code, out } = await run([
      "--file",
      file,
      "--mode",
      "load",
      "--neo4j-home",
      "/opt/neo4j",
      "--dry-run",
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      outcome: "dry-run",
      plan: expect.arrayContaining([
        expect.stringContaining("ephemeral Neo4j borrowing /opt/neo4j"),
      ]),
    });
  });

  it("never prints a credential from the environment", async () => {
    const secret = `s3cr3t-${randomBytes(8).toString("hex")}`;
    const { dir, file } = localBackup({ created_by: `leak ${secret}` });
    const { out, err } = await run(
      [
        "--file",
        file,
        "--mode",
        "checksum",
        "--json",
        "--verbose",
        "--summary-md",
        join(dir, "s.md"),
        "--report",
        join(dir, "r.json"),
      ],
      { AWS_SECRET_ACCESS_KEY: secret, NEO4J_PASSWORD: secret },
    );
    expect(
      out +
        err +
        readFileSync(join(dir, "s.md"), "utf8") +
        readFileSync(join(dir, "r.json"), "utf8"),
    ).not.toContain(secret);
    expect(out).toContain("[REDACTED]");
  });
});
