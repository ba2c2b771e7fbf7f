import { createEphemeralNeo4j, describeInteg, type EphemeralNeo4j } from "@nbs/testenv";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verify } from "@nbs/testenv/run-cli";
import { loadRuns, sidecarOf as readSidecar } from "./load-runs.js";

// What a loaded dump is proven to hold, against the real Neo4j: its last committed transaction
// against the sidecar's dumped_at_tx, and its index states. One source DBMS is backed up by
// backup.sh three times: as seeded, after one more node, and after an index that FAILED.

let source: EphemeralNeo4j;
let older: string;
let newer: string;
let withFailedIndex: string;
const { runs, scratch, backup, verifyLoad, removeScratch } = loadRuns("proofs", () => source);

interface Check {
  id: string;
  status: string;
  expected?: unknown;
  actual?: unknown;
  detail?: string;
}
interface Doc {
  ok: boolean;
  outcome?: string;
  proof?: { method: string; detail: string };
  checks: Check[];
  error?: { code: string; category: string; message: string };
  report?: { checks: Check[] };
}
interface Sidecar {
  sha256: string;
  size: number;
  stats: { nodes: number; exact?: boolean; counted_at_tx?: number; dumped_at_tx?: number };
}

async function cypher(statement: string): Promise<void> {
  const driver = source.driver();
  try {
    await driver.executeQuery(statement);
  } finally {
    await driver.close();
  }
}

const sidecarOf = (file: string) => readSidecar<Sidecar>(file);

/** A copy of `file`'s dump with its own sha256 and size, and the rest of the sidecar from `claims`. */
function paired(file: string, claims: Sidecar & Record<string, unknown>): string {
  const copy = join(scratch(), "neo4j-20261124T101500Z.dump");
  copyFileSync(file, copy);
  const own = sidecarOf(file);
  writeFileSync(
    `${copy}.meta.json`,
    JSON.stringify({ ...claims, sha256: own.sha256, size: own.size }),
  );
  return copy;
}

beforeAll(async () => {
  source = await createEphemeralNeo4j();
  await source.start();
  await cypher("UNWIND range(1, 3) AS i CREATE (:Person {id: i})");
  await cypher("CREATE INDEX person_id FOR (p:Person) ON (p.id)");
  older = await backup();
  await cypher("CREATE (:Person {id: 4})");
  newer = await backup();
  // A RANGE index cannot hold a value over ~8 KiB: populating it over one FAILS the index, and
  // Neo4j keeps it FAILED through stop, dump, load and start.
  await cypher(
    "CREATE (:Doc {text: reduce(s = '', i IN range(1, 5000) | s + toString(i % 10) + 'abcdefghi')})",
  );
  await cypher("CREATE INDEX doc_text FOR (d:Doc) ON (d.text)");
  const driver = source.driver();
  try {
    await driver.executeQuery("CALL db.awaitIndexes(60)").catch(() => undefined);
    const { records } = await driver.executeQuery(
      "SHOW INDEXES YIELD name, state WHERE name = 'doc_text' RETURN state",
    );
    expect(records[0]?.get("state")).toBe("FAILED");
  } finally {
    await driver.close();
  }
  withFailedIndex = await backup();
}, 1_500_000);

afterAll(async () => {
  await source?.remove();
  removeScratch();
});

describeInteg("what a loaded dump is proven to hold, real Neo4j 5", () => {
  it("backup.sh records the stopped store's last transaction as dumped_at_tx", () => {
    const [a, b] = [sidecarOf(older).stats, sidecarOf(newer).stats];
    expect(a).toMatchObject({ exact: true, dumped_at_tx: expect.any(Number) });
    expect(b.dumped_at_tx).toBeGreaterThan(a.dumped_at_tx!);
  });

  it("an honest backup is proven by exact counts and its transaction id, every index ONLINE (exit 0)", async () => {
    const md = join(scratch(), "summary.md");
    const run = await verifyLoad(newer, ["--summary-md", md]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc).toMatchObject({
      outcome: "verified",
      proof: { method: "exact-counts+transaction-id" },
    });
    const tx = sidecarOf(newer).stats.dumped_at_tx;
    expect(doc.checks.find((c) => c.id === "transaction.dumped")).toMatchObject({
      status: "pass",
      expected: tx,
      actual: tx,
    });
    const states = doc.checks.filter((c) => c.id.startsWith("index.state."));
    expect(states.map((c) => [c.id, c.status, c.actual])).toEqual(
      expect.arrayContaining([["index.state.person_id", "pass", "ONLINE"]]),
    );
    expect(states.every((c) => c.status === "pass")).toBe(true);
    expect(readFileSync(md, "utf8")).toContain(
      "| proof of content | **exact counts and transaction id**:",
    );
  });

  it("an inexact backup (counts not comparable) is still proven exactly, by its transaction id", async () => {
    const claims = sidecarOf(older);
    claims.stats = { ...claims.stats, exact: false, counted_at_tx: 1 };
    const run = await verifyLoad(paired(older, claims));
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.proof?.method).toBe("transaction-id");
    expect(doc.checks.find((c) => c.id === "counts")?.status).toBe("skip");
  });

  it("fails TRANSACTION_MISMATCH (exit 6) for a dump missing the data its inexact sidecar recorded", async () => {
    // The older dump, with its true sha256 and size, under the newer backup's sidecar, whose
    // counts are inexact: nothing but the transaction id can tell that the dump lacks a node.
    const claims = sidecarOf(newer);
    claims.stats = { ...claims.stats, exact: false, counted_at_tx: 1 };
    const run = await verifyLoad(paired(older, claims));
    expect(run.code, run.stderr).toBe(6);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.error).toMatchObject({ code: "TRANSACTION_MISMATCH", category: "NEO4J" });
    expect(doc.error?.message).toBe(
      `the dump holds the database at transaction ${sidecarOf(older).stats.dumped_at_tx}, but its sidecar says it was dumped at transaction ${sidecarOf(newer).stats.dumped_at_tx}`,
    );
  });

  it("fails INDEX_FAILED (exit 6) on a dump whose index is FAILED, naming Neo4j's reason", async () => {
    const run = await verifyLoad(withFailedIndex);
    expect(run.code, run.stderr).toBe(6);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.error).toMatchObject({ code: "INDEX_FAILED", category: "NEO4J" });
    expect(doc.error?.message).toContain("doc_text");
    expect(doc.error?.message).toContain("Property value is too large to index");
    expect(doc.report?.checks.find((c) => c.id === "index.state.doc_text")).toMatchObject({
      status: "fail",
      actual: "FAILED",
    });
  });

  it("a restore of that dump fails INDEX_FAILED in its proof, before the server is stopped", async () => {
    // backup.sh started the source again: it is the restore's target, holding data.
    const pid = readFileSync(join(source.home, "run", "neo4j.pid"), "utf8").trim();
    const run = await verify(
      [
        "restore",
        "--file",
        withFailedIndex,
        "--db",
        "neo4j",
        "--neo4j-home",
        source.home,
        "--work-dir",
        scratch(),
        "--force",
        "--json",
      ],
      { NEO4J_URI: source.uri, NEO4J_PASSWORD: source.password },
    );
    runs.push(run);
    expect(run.code, run.stderr).toBe(6);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.error).toMatchObject({ code: "INDEX_FAILED", category: "NEO4J" });
    expect(doc.error?.message).toContain("was not stopped and its data not replaced");
    const events = run.events.map((e) => e["event"]);
    expect(events).toContain("restore.proof.indexes");
    expect(events).not.toContain("restore.neo4j.stop");
    expect(readFileSync(join(source.home, "run", "neo4j.pid"), "utf8").trim()).toBe(pid);
  });

  it("never printed a credential", () => {
    expect(runs.length).toBeGreaterThan(5);
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(source.password);
  });
});
