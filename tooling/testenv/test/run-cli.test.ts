import { afterEach, expect, it } from "vitest";
import { runProgram } from "../src/run-cli.ts";

// What a CLI under test sees of the test process's environment: the test's JVM flags, nothing else.
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

async function childEnv(env: Record<string, string> = {}): Promise<Record<string, string>> {
  const run = await runProgram(
    process.execPath,
    ["-e", "process.stdout.write(JSON.stringify(process.env))"],
    env,
  );
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, string>;
}

it("passes the test command's JAVA_OPTS to the program, and no other variable of the test process", async () => {
  process.env["JAVA_OPTS"] = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  process.env["NBS_RUN_CLI_TEST_OTHER"] = "not for the child";
  const env = await childEnv();
  expect(env["JAVA_OPTS"]).toBe("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
  expect(env["NBS_RUN_CLI_TEST_OTHER"]).toBeUndefined();
  expect(env["NBS_LOG_FORMAT"]).toBe("json");
});

it("lets a test's own JAVA_OPTS win, and passes none when the test process has none", async () => {
  process.env["JAVA_OPTS"] = "-XX:TieredStopAtLevel=1";
  expect((await childEnv({ JAVA_OPTS: "-XX:+PrintCommandLineFlags" }))["JAVA_OPTS"]).toBe(
    "-XX:+PrintCommandLineFlags",
  );
  delete process.env["JAVA_OPTS"];
  expect((await childEnv())["JAVA_OPTS"]).toBeUndefined();
});
