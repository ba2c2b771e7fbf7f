import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it, onTestFinished } from "vitest";

/**
 * A bin entry made with startCli, run as its own process (Node strips the types of startup.ts,
 * which imports only node builtins). Its main prints "ready", then on the interrupt starts a
 * "cleanup" that never finishes, so only a forced exit ends it; or it returns `code`.
 */
function bin(code?: number) {
  const startup = new URL("./startup.ts", import.meta.url).href;
  const main =
    code === undefined
      ? `(argv, env, io, interrupt) => new Promise(() => {
          setInterval(() => {}, 1 << 30);
          interrupt.addEventListener("abort", () => io.stderr.write("stopping on " + interrupt.reason + "\\n"));
          io.stdout.write("ready\\n");
        })`
      : `async () => ${code}`;
  const script = `import { startCli } from ${JSON.stringify(startup)};
    await startCli("nbs-x", async () => ({ main: ${main} }));`;
  const child = spawn(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const until = async (stream: "stdout" | "stderr", text: string) => {
    while (!(stream === "stdout" ? stdout : stderr).includes(text)) {
      const [[, exit]] = await Promise.race([
        once(child[stream], "data").then(() => [[null, undefined]] as const),
        once(child, "exit").then((args) => [args] as const),
      ]);
      if (exit !== undefined) throw new Error(`exited early: ${String(exit)}; stderr: ${stderr}`);
    }
  };
  return { child, until, exited: once(child, "exit") };
}

describe("startCli (the bin entry)", () => {
  it("aborts main's interrupt on the first Ctrl-C and exits 130 at once on the second", async () => {
    const { child, until, exited } = bin();
    await until("stdout", "ready");
    child.kill("SIGINT");
    await until("stderr", "stopping on SIGINT");
    expect(child.exitCode).toBeNull(); // the first Ctrl-C lets the cleanup run
    child.kill("SIGINT");
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 130, signal: null });
  });

  it("exits with the code main returns", async () => {
    const [code] = await bin(5).exited;
    expect(code).toBe(5);
  });
});
