import { describe, expect, it } from "vitest";
import type { Check } from "./checks.js";
import { checkServed } from "./served-checks.js";

/** A restored server's driver: every query is recorded with the database it went to. */
function server(options: { answers: boolean; status: string }) {
  const sent: string[] = [];
  const driver = {
    executeQuery: (cypher: string, _params: unknown, config?: { database?: string }) => {
      sent.push(`${config?.database ?? "(default)"}: ${cypher}`);
      if (cypher.startsWith("SHOW DATABASE"))
        return Promise.resolve({ records: [{ get: () => options.status }] });
      if (!options.answers) return Promise.reject(new Error("Database neo4j is unavailable"));
      return Promise.resolve({ records: [] });
    },
    close: () => Promise.resolve(),
  };
  return { sent, connect: () => driver as never };
}

async function served(options: { answers: boolean; status: string }) {
  const { sent, connect } = server(options);
  const checks: Check[] = [];
  const outcome = await checkServed({
    connect,
    database: "neo4j",
    meta: undefined,
    indexTimeoutMs: 0,
    onEvent: () => {},
    record: (check) => checks.push(check),
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { sent, checks, outcome };
}

describe("checkServed: is the restored database online?", () => {
  it("a database that answers a query of its own is online, and system is not asked", async () => {
    const { sent, checks, outcome } = await served({ answers: true, status: "online" });
    expect(outcome).toBeUndefined();
    expect(checks.find((c) => c.id === "served.online")).toMatchObject({
      status: "pass",
      actual: "online",
    });
    expect(sent[0]).toBe("neo4j: RETURN true AS online");
    expect(sent.filter((q) => q.startsWith("system:"))).toEqual([]);
  });

  it("one that refuses queries is named by SHOW DATABASE and fails the restore", async () => {
    const { checks, outcome } = await served({ answers: false, status: "offline" });
    expect(checks.find((c) => c.id === "served.online")).toMatchObject({
      status: "fail",
      actual: "offline",
    });
    expect(outcome).toMatchObject({
      code: "RESTORE_COUNT_FAILED",
      message: "the restored database neo4j is offline, not online, after the start",
    });
  });

  it("one that refuses queries although SHOW DATABASE says online is not called online", async () => {
    const { checks, outcome } = await served({ answers: false, status: "online" });
    expect(checks.find((c) => c.id === "served.online")).toMatchObject({
      status: "fail",
      actual: "unavailable: Database neo4j is unavailable",
    });
    expect(outcome).toMatchObject({ code: "RESTORE_COUNT_FAILED" });
  });
});
