import { describe, expect, it } from "vitest";
import { createSpawnRunner } from "./index.js";

const runner = createSpawnRunner({ env: { PATH: "/usr/bin:/bin" }, killGraceMs: 200 });

async function read(stdout: AsyncIterable<Buffer>): Promise<string> {
  let text = "";
  for await (const chunk of stdout) text += chunk.toString();
  return text;
}

describe("createSpawnRunner().stream", () => {
  it("hands stdout over as a stream and reports the exit code with stderr's tail", async () => {
    const proc = runner.stream!("/bin/sh", [
      "-c",
      "printf 'a%.0s' $(seq 1 100000); echo oops >&2; exit 3",
    ]);
    const text = await read(proc.stdout);
    expect(text).toBe("a".repeat(100_000));
    expect(await proc.exit).toEqual({
      exitCode: 3,
      stderr: "oops\n",
      timedOut: false,
      aborted: false,
    });
  });

  it("an abort ends the whole process group, also a child holding stdout (its stdout then ends)", async () => {
    // Like neo4j-admin 5.x, whose dump runs in a child JVM that inherits stdout: here the shell
    // forks `yes` and waits. Were only the shell stopped, `yes` would write forever.
    const controller = new AbortController();
    const proc = runner.stream!("/bin/sh", ["-c", "yes; true"], { signal: controller.signal });
    let got = 0;
    for await (const chunk of proc.stdout) {
      got += chunk.length;
      if (got > 1024) controller.abort();
    }
    expect(await proc.exit).toMatchObject({ aborted: true, exitCode: null });
  });

  it("kill stops a process whose stdout nobody reads any more, and exit settles", async () => {
    const proc = runner.stream!("/bin/sh", ["-c", "yes; sleep 100"]);
    for await (const chunk of proc.stdout) {
      expect(chunk.length).toBeGreaterThan(0);
      break; // the reader gives up
    }
    proc.kill();
    expect((await proc.exit).exitCode).toBeNull();
  });

  it("the caller's signal ends it and is reported as aborted", async () => {
    const controller = new AbortController();
    const proc = runner.stream!("/bin/sleep", ["10"], { signal: controller.signal });
    controller.abort();
    expect(await proc.exit).toMatchObject({ aborted: true, exitCode: null });
  });

  it("a signal aborted before the start ends it at once, reported as aborted", async () => {
    const proc = runner.stream!("/bin/sleep", ["3"], { signal: AbortSignal.abort() });
    expect(await proc.exit).toMatchObject({ aborted: true, exitCode: null });
  });
});
