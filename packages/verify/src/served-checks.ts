import { NbsError } from "@nbs/errors";
import type { BackupMeta } from "@nbs/metadata";
import { captureSchema, type DriverFactory } from "@nbs/neo4j-admin";
import type { Check } from "./checks.js";
import type { VerifyEventSink } from "./events.js";
import { checkIndexes } from "./index-checks.js";
import { schemaChecks, schemaMismatchError } from "./schema-checks.js";
import { firstLine } from "./first-line.js";

export interface CheckServedInput {
  /** A new driver to the restored server, closed here. */
  connect: () => ReturnType<DriverFactory>;
  database: string;
  meta: BackupMeta | undefined;
  indexTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onEvent: VerifyEventSink;
  record: (check: Check) => void;
}

/**
 * After the restore's start, on the operator's server: only what an application writing to it
 * cannot change — the database is online, every index and constraint the sidecar recorded is
 * there, and every index is ONLINE (waiting, bounded, while they populate). Counts were proven
 * before the stop, where no client could write. Throws the first failure.
 */
export async function checkServed(input: CheckServedInput): Promise<void> {
  const driver = input.connect();
  try {
    const status = await read(() => databaseStatus(driver, input.database));
    input.record({
      id: "served.online",
      name: `database ${input.database} online (restored server)`,
      group: "neo4j",
      status: status === "online" ? "pass" : "fail",
      expected: "online",
      actual: status,
    });
    if (status !== "online")
      throw new NbsError(
        "RESTORE_COUNT_FAILED",
        `the restored database ${input.database} is ${status}, not online, after the start`,
        { hint: "Neo4j was started with the restored data; read its logs before serving from it" },
      );
    const found = await read(() => captureSchema(driver, input.database));
    // Recorded ones must be there; ones found beyond them may be an application's, just created.
    const schema = schemaChecks(input.meta?.stats, found);
    schema.forEach((check) => input.record(served(check)));
    const indexError = await checkIndexes(driver, {
      database: input.database,
      of: "served",
      timeoutMs: input.indexTimeoutMs,
      signal: input.signal,
      events: { prefix: "restore", sink: input.onEvent },
      record: input.record,
    });
    const schemaError = schemaMismatchError(schema.filter((c) => c.expected !== undefined));
    if (schemaError)
      throw new NbsError(
        schemaError.code,
        `${schemaError.message}, on the server after the restore`,
        {
          hint: "Neo4j runs with the restored data but lacks that index or constraint; recreate it before serving (the dump held it: it was proven before the stop)",
        },
      );
    if (indexError) throw indexError;
  } finally {
    await driver.close();
  }
}

function served(check: Check): Check {
  const extra = check.id.startsWith("schema.") && check.expected === undefined;
  return {
    ...check,
    id: `served.${check.id}`,
    name: `${check.name} (restored server)`,
    ...(extra
      ? {
          status: "skip",
          detail: `${check.actual}: not recorded at dump time; may have been created since the start`,
        }
      : {}),
  };
}

/**
 * "online" once the database answers a query of its own; only when it does not, what `SHOW
 * DATABASE` says of it (or "unavailable: <error>"). Right after a start the first query to
 * `system` costs seconds (measured 2–4 s on a 2-core machine), one to the database itself a
 * few milliseconds, and a database that answers a query is online.
 */
async function databaseStatus(
  driver: ReturnType<DriverFactory>,
  database: string,
): Promise<string> {
  const answered = await driver.executeQuery("RETURN true AS online", {}, { database }).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (answered === undefined) return "online";
  const { records } = await driver.executeQuery(
    `SHOW DATABASE \`${database.replaceAll("`", "``")}\` YIELD currentStatus`,
    {},
    { database: "system" },
  );
  const statuses = records.map((r) => String(r.get("currentStatus")));
  if (statuses.length === 0) return "missing";
  const status = statuses.find((s) => s !== "online");
  return status ?? `unavailable: ${firstLine(answered)}`;
}

async function read<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = firstLine(error);
    throw new NbsError(
      "RESTORE_COUNT_FAILED",
      `the restored database cannot be read after the start: ${message}`,
      {
        hint: "Neo4j was started with the restored data; read its logs before serving from it",
        cause: error,
      },
    );
  }
}
