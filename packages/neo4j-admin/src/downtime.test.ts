import { describe, expect, it } from "vitest";
import { startDowntimeClock } from "./downtime.js";

/** A server whose answers follow a script: one entry per probe, true = answers. */
function scripted(answers: boolean[]) {
  let i = 0;
  return () => {
    const up = answers[Math.min(i, answers.length - 1)]!;
    i += 1;
    return up ? Promise.resolve() : Promise.reject(new Error("ECONNREFUSED"));
  };
}

/** A clock that moves 10 ms per reading. */
function ticking() {
  let t = 0;
  return () => (t += 10);
}

describe("startDowntimeClock", () => {
  it("measures from the last answer before the outage to the first answer after it", async () => {
    const clock = startDowntimeClock(scripted([true, true, false, false, false, true]), {
      intervalMs: 1,
      now: ticking(),
    });
    await clock.ready;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Readings: sent 10, answer 20; sent 30, answer 40 (last answer); sent 50, 60, 70 fail;
    // sent 80, answer 90: 90 - 40.
    expect(await clock.result(5_000)).toBe(50);
  });

  it("counts from its own start when the server never answered before", async () => {
    const clock = startDowntimeClock(scripted([false, true]), { intervalMs: 1, now: ticking() });
    await clock.ready;
    // Sent at 10 (down since then), answered at 30.
    expect(await clock.result(5_000)).toBe(20);
  });

  it("says nothing (at once) when it never saw the server go down", async () => {
    const clock = startDowntimeClock(scripted([true]), { intervalMs: 1 });
    await clock.ready;
    expect(await clock.result(60_000)).toBeUndefined();
    clock.stop();
  });

  it("counts a probe that does not answer in time as the server not answering", async () => {
    let calls = 0;
    const probe = () => (++calls === 2 ? new Promise<void>(() => {}) : Promise.resolve());
    const clock = startDowntimeClock(probe, { intervalMs: 1, probeTimeoutMs: 20 });
    await clock.ready;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await clock.result(5_000)).toBeGreaterThan(0);
  });

  it("gives up waiting at the bound while the server stays down", async () => {
    const clock = startDowntimeClock(scripted([true, false]), { intervalMs: 1 });
    await clock.ready;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await clock.result(30)).toBeUndefined();
    clock.stop();
  });
});
