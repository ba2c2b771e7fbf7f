import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NbsError } from "@nbs/errors";
import { Neo4jCommandError } from "./errors.js";
import { buildSetInitialPasswordCommand } from "./commands.js";
import { SHORT_LIVED_JVM_FLAGS } from "./installation.js";
import { parseNeo4jVersion } from "./version.js";
import { runNeo4jCommand } from "./run-command.js";
import { fakeRunner } from "../test/fakes.js";

const inst = {
  home: "/opt/neo4j",
  confDir: "/opt/neo4j/conf",
  version: parseNeo4jVersion("5.26.30"),
  edition: "community" as const,
};
// Made at run time: a literal would be a committed secret (the secrets guard flags it).
const secret = `pw-${randomBytes(6).toString("hex")}`;

describe("runNeo4jCommand", () => {
  it("passes env, cwd, timeout and signal to the runner and returns the result", async () => {
    const runner = fakeRunner(() => ({ stdout: "done" }));
    const signal = new AbortController().signal;
    const result = await runNeo4jCommand(runner, buildSetInitialPasswordCommand(inst, secret), {
      cwd: "/tmp",
      timeoutMs: 5,
      signal,
    });
    expect(result.stdout).toBe("done");
    expect(runner.runs[0]?.options).toEqual({
      env: { NEO4J_HOME: "/opt/neo4j", NEO4J_CONF: "/opt/neo4j/conf" },
      jvmFlags: SHORT_LIVED_JVM_FLAGS,
      cwd: "/tmp",
      timeoutMs: 5,
      signal,
    });
  });

  it("names the failure from stdout when stderr holds only the launcher's JDK_JAVA_OPTIONS note", async () => {
    const runner = fakeRunner(() => ({
      exitCode: 1,
      stderr: "NOTE: Picked up JDK_JAVA_OPTIONS: -XX:TieredStopAtLevel=1\n",
      stdout: "Database does not exist: nope\n",
    }));
    const error = await runNeo4jCommand(runner, buildSetInitialPasswordCommand(inst, secret)).catch(
      (e: unknown) => e,
    );
    expect((error as Neo4jCommandError).message).toMatch(/: Database does not exist: nope$/);
    expect((error as Neo4jCommandError).outputTail).not.toContain("JDK_JAVA_OPTIONS");
  });

  it("raises Neo4jCommandError with exit code and output tail, never the password", async () => {
    const stderr =
      Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n") + `\nbad password ${secret}`;
    const runner = fakeRunner(() => ({ exitCode: 1, stderr }));
    const error = await runNeo4jCommand(runner, buildSetInitialPasswordCommand(inst, secret)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Neo4jCommandError);
    const commandError = error as Neo4jCommandError;
    expect(commandError.code).toBe("NEO4J_COMMAND_FAILED");
    expect(commandError.category).toBe("NEO4J");
    expect(commandError.exitCode).toBe(1);
    expect(commandError.outputTail.split("\n")).toHaveLength(20);
    expect(commandError.outputTail).toContain("bad password ***");
    expect(commandError.command).toBe("neo4j-admin dbms set-initial-password ***");
    expect(
      JSON.stringify({
        m: commandError.message,
        t: commandError.outputTail,
        c: commandError.command,
      }),
    ).not.toContain(secret);
  });

  it("reports a timeout as such", async () => {
    const runner = fakeRunner(() => ({ exitCode: null, timedOut: true }));
    const error = (await runNeo4jCommand(runner, buildSetInitialPasswordCommand(inst, secret), {
      timeoutMs: 10,
    }).catch((e: unknown) => e)) as Neo4jCommandError;
    expect(error.timedOut).toBe(true);
    expect(error.code).toBe("NEO4J_COMMAND_TIMEOUT");
    expect(error.message).toMatch(/timed out after 10 ms/);
  });

  it("accepts extra exit codes when asked", async () => {
    const runner = fakeRunner(() => ({ exitCode: 3 }));
    const result = await runNeo4jCommand(runner, buildSetInitialPasswordCommand(inst, secret), {
      okExitCodes: [0, 3],
    });
    expect(result.exitCode).toBe(3);
  });

  it("wraps a process that cannot start, and lets cancellation through unchanged", async () => {
    const missing = fakeRunner(() =>
      Promise.reject(Object.assign(new Error("spawn ENOENT"), { code: "ENOENT" })),
    );
    await expect(
      runNeo4jCommand(missing, buildSetInitialPasswordCommand(inst, secret)),
    ).rejects.toMatchObject({
      code: "NEO4J_NOT_RUNNABLE",
      exitCode: null,
    });
    const aborted = fakeRunner(() => Promise.reject(new NbsError("INTERRUPTED", "cancelled")));
    await expect(
      runNeo4jCommand(aborted, buildSetInitialPasswordCommand(inst, secret)),
    ).rejects.toMatchObject({ code: "INTERRUPTED" });
  });
});
