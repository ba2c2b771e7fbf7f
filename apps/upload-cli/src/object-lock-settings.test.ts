import { describe, expect, it } from "vitest";
import { runMain, tempDumpFile } from "@nbs/testenv/doubles";
import { main } from "./main.js";

const run = (argv: string[], env: Record<string, string> = {}) => runMain(main, argv, env);

const dump = () => tempDumpFile("not really a dump");

const base = () => [
  "--file",
  dump(),
  "--bucket",
  "nbs-b",
  "--allow-any-file",
  "--dry-run",
  "--json",
];

describe("nbs-upload --object-lock", () => {
  it.each([
    [["--object-lock", "governance"], {}, "needs --object-lock-days"],
    [["--object-lock-days", "30"], {}, "needs --object-lock governance or compliance"],
    [[], { BACKUP_OBJECT_LOCK: "compliance" }, "needs --object-lock-days"],
  ])("exits 2 (OBJECT_LOCK_INVALID) on %j %j", async (flags, env, message) => {
    const { code, err } = await run([...base(), ...flags], env);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain("OBJECT_LOCK_INVALID");
  });

  it("plans the retention from BACKUP_OBJECT_LOCK / BACKUP_OBJECT_LOCK_DAYS into the sidecar", async () => {
    const before = Date.now();
    const { code, out, err } = await run(base(), {
      BACKUP_OBJECT_LOCK: "compliance",
      BACKUP_OBJECT_LOCK_DAYS: "7",
    });
    expect(code, err).toBe(0);
    const plan = JSON.parse(out) as {
      meta: { object_lock: { mode: string; retain_until: string } };
    };
    expect(plan.meta.object_lock.mode).toBe("COMPLIANCE");
    const until = Date.parse(plan.meta.object_lock.retain_until);
    expect(until).toBeGreaterThanOrEqual(before + 7 * 86_400_000);
    expect(until).toBeLessThan(Date.now() + 7 * 86_400_000 + 1000);
  });
});
