import { describe, expect, it } from "vitest";
import { EXIT_CODES_HELP } from "@nbs/cli-kit";
import { runMain } from "@nbs/testenv/doubles";
import { main } from "../../main.js";
import { renderPlan } from "./run.js";

const run = (argv: string[], env: Record<string, string> = {}) => runMain(main, argv, env);

describe("nbs-upload prune command line", () => {
  it("--help states the guarantees and ends with the exit codes", async () => {
    const { code, out } = await run(["prune", "--help"]);
    expect(code).toBe(0);
    expect(out).toContain("never removes: the newest committed backup");
    expect(out).toContain("--uncommitted-age");
    expect(out).toMatch(/\[default: 12h\]/);
    expect(out.endsWith(`\n\n${EXIT_CODES_HELP}\n`)).toBe(true);
  });

  it("refuses to run without a keep rule (exit 2, PRUNE_NO_RULES), before any request", async () => {
    const { code, out, err } = await run(["prune", "--bucket", "nbs-test", "--json"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(
      /^nbs-upload: prune without any keep rule\n {2}hint: give at least one of --keep-last/,
    );
  });

  it.each([
    [["--keep-within", "30x"], /invalid duration "30x" for --keep-within/],
    [["--keep-daily", "0"], /--keep-daily must be a positive integer/],
    [
      ["--keep-daily", "7", "--time-tolerance", "soon"],
      /invalid duration "soon" for --time-tolerance/,
    ],
  ])("refuses %j with exit 2 naming the option", async (args, message) => {
    const { code, err } = await run(["prune", "--bucket", "nbs-test", "--json", ...args]);
    expect(code).toBe(2);
    expect(err.split("\n")[0]).toMatch(message);
  });

  it("needs a bucket", async () => {
    const { code, err } = await run(["prune", "--keep-last", "3", "--json"]);
    expect(code).toBe(2);
    expect(err).toMatch(
      /^nbs-upload: missing --bucket\n {2}hint: pass --bucket or set BACKUP_S3_BUCKET/,
    );
  });
});

describe("nbs-upload retention says what it sets", () => {
  it("names the lifecycle rule (age only) and points at prune for keep rules", async () => {
    const { code, out } = await run(["retention", "--days", "90", "--prefix", "prod", "--json"]);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { sets: string };
    expect(doc.sets).toMatch(/^the store's lifecycle rule: age-based expiry/);
    expect(doc.sets).toContain("nbs-upload prune");
  });
});

describe("renderPlan", () => {
  it("aligns the columns, marks a flagged backup with !, and joins the reasons", () => {
    const text = renderPlan([
      {
        action: "keep",
        db: "neo4j",
        state: "committed",
        created_at: "2026-12-01T02:00:00Z",
        key: "p/neo4j/a.dump",
        flagged: true,
        reasons: ["flagged: …", "keep-last 1"],
      },
      {
        action: "remove",
        db: "neo4j",
        state: "uncommitted",
        created_at: "2026-11-01T02:00:00Z",
        key: "p/neo4j/b.dump",
        flagged: false,
        reasons: ["uncommitted dump older than 12h"],
      },
    ]);
    expect(text.split("\n")).toEqual([
      "ACTION  DB     STATE        CREATED (UTC)         KEY             REASON",
      "keep!   neo4j  committed    2026-12-01T02:00:00Z  p/neo4j/a.dump  flagged: …; keep-last 1",
      "remove  neo4j  uncommitted  2026-11-01T02:00:00Z  p/neo4j/b.dump  uncommitted dump older than 12h",
      "",
    ]);
  });
});
