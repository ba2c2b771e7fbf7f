import { open, stat } from "node:fs/promises";
import { join } from "node:path";

// A throwaway instance's ports are picked free a moment before its server binds them (seconds
// later, after set-initial-password and the JVM's start): another process may take one in between.
// Neo4j then exits at start ("Neo4j web server failed to start"), and its user log names the cause.

const BIND_FAILED = /PortBindException|Address already in use/;

/** Where the user log (`logs/neo4j.log`) ends now: a later {@link portClashSince} reads only what follows. */
export async function userLogMark(home: string): Promise<number> {
  return (await stat(join(home, "logs", "neo4j.log")).catch(() => undefined))?.size ?? 0;
}

/**
 * Whether the server's user log says, after `mark`, that it could not bind one of `ports`
 * because another process uses it (not another port of the install's, which new picks would not move).
 */
export async function portClashSince(
  home: string,
  mark: number,
  ports: readonly number[],
): Promise<boolean> {
  const file = await open(join(home, "logs", "neo4j.log"), "r").catch(() => undefined);
  if (!file) return false;
  try {
    const { size } = await file.stat();
    if (size <= mark) return false;
    const buffer = Buffer.alloc(Math.min(size - mark, 1 << 20));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, mark);
    const said = buffer.toString("utf8", 0, bytesRead);
    return BIND_FAILED.test(said) && ports.some((port) => said.includes(`127.0.0.1:${port}`));
  } finally {
    await file.close();
  }
}
