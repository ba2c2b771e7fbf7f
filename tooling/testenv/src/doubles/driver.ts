import type { Driver } from "neo4j-driver";

/** A row as the answer gives it: column name to value. */
export type Row = Record<string, unknown>;

/** What the driver was asked: the query text and the `database` of its config (if any). */
export interface Query {
  cypher: string;
  database: unknown;
}

export interface FakeDriverOptions {
  /**
   * The bookmark a session holds after each `executeRead` (e.g. one carrying a transaction
   * id); without it `lastBookmarks()` is empty.
   */
  bookmark?: () => string;
}

export interface FakeDriver {
  /**
   * Answers `executeQuery(cypher, params, config)`, `session().run(cypher)` and the `run` of
   * `session().executeRead(work)`'s transaction; `session().lastBookmarks()`; `close()`.
   */
  driver: Driver;
  /** Every query asked, in order. */
  queries: Query[];
  /** Whether `close()` was called. */
  closed: () => boolean;
}

/**
 * A neo4j-driver Driver that answers every query from `answer` (rows of plain objects, served
 * as records with `get` and `has`); an answer that throws or rejects fails the query. No rows
 * by default.
 */
export function fakeDriver(
  answer: (query: Query) => Row[] | Promise<Row[]> = () => [],
  options: FakeDriverOptions = {},
): FakeDriver {
  const queries: Query[] = [];
  let closed = false;
  const ask = async (query: Query) => {
    queries.push(query);
    const rows = await answer(query);
    return {
      records: rows.map((row) => ({ get: (k: string) => row[k], has: (k: string) => k in row })),
    };
  };
  const driver = {
    executeQuery: (cypher: string, _params?: unknown, config?: { database?: unknown }) =>
      ask({ cypher, database: config?.database }),
    session: (config?: { database?: unknown }) => {
      const run = (cypher: string) => ask({ cypher, database: config?.database });
      let bookmarks: string[] = [];
      return {
        run,
        executeRead: async <T>(work: (tx: { run: typeof run }) => Promise<T>) => {
          const result = await work({ run });
          bookmarks = options.bookmark ? [options.bookmark()] : [];
          return result;
        },
        lastBookmarks: () => bookmarks,
        close: () => Promise.resolve(),
      };
    },
    close: () => Promise.resolve(void (closed = true)),
  } as unknown as Driver;
  return { driver, queries, closed: () => closed };
}
