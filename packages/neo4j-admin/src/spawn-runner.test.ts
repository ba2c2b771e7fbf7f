import { describe, expect, it } from "vitest";
import { createSpawnRunner } from "./spawn-runner.js";

const runner = createSpawnRunner({ env: { PATH: "/usr/bin:/bin" }, killGraceMs: 200 });

describe("createSpawnRunner", () => {
  it("captures stdout, stderr and the exit code, with env layered on the base", async () => {
    const result = await runner.run("/bin/sh", ["-c", 'echo "out $X"; echo err >&2; exit 7'], {
      env: { X: "1" },
    });
    expect(result).toEqual({ exitCode: 7, stdout: "out 1\n", stderr: "err\n", timedOut: false });
  });

  it("runs in the given cwd without a shell interpreting arguments", async () => {
    const result = await runner.run("/bin/echo", ["$HOME", "; rm -rf /"], { cwd: "/" });
    expect(result.stdout).toBe("$HOME ; rm -rf /\n");
  });

  it("kills a process that outlives its timeout", async () => {
    const started = Date.now();
    const result = await runner.run("/bin/sleep", ["10"], { timeoutMs: 100 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("kills a process that ignores SIGTERM once the grace period is over", async () => {
    // `sleep` inherits the ignored SIGTERM; left alone it would exit 0 after 3 s.
    const result = await runner.run("/bin/sh", ["-c", 'trap "" TERM; exec sleep 3'], {
      timeoutMs: 500,
    });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
  });

  it("rejects with code INTERRUPTED when the signal fires", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      runner.run("/bin/sleep", ["10"], { signal: controller.signal }),
    ).rejects.toMatchObject({ code: "INTERRUPTED", category: "ABORTED" });
    await expect(runner.run("/bin/true", [], { signal: controller.signal })).rejects.toMatchObject({
      code: "INTERRUPTED",
    });
  });

  it("keeps only the tail of large output", async () => {
    const small = createSpawnRunner({ env: { PATH: "/usr/bin:/bin" }, maxOutputBytes: 1000 });
    const result = await small.run("/bin/sh", ["-c", "seq 1 100000"]);
    expect(result.stdout.length).toBeLessThanOrEqual(1000);
    expect(result.stdout.endsWith("100000\n")).toBe(true);
  });

  it("rejects when the program does not exist", async () => {
    await expect(runner.run("/nonexistent/neo4j-admin", [])).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});
