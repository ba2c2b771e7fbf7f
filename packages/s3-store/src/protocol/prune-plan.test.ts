import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planPrune, type PlanEntry, type PruneCandidate, type PruneOptions } from "./prune-plan.js";
import { parseSpan } from "./prune-span.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function options(over: Partial<PruneOptions> = {}): PruneOptions {
  return {
    rules: {},
    now: NOW,
    uncommittedAge: parseSpan("12h", "age"),
    timeTolerance: parseSpan("1h", "tolerance"),
    keepBeforeShrink: parseSpan("30d", "shrink"),
    removeBroken: false,
    ...over,
  };
}

/** A committed backup `ago` ms before NOW, uploaded a minute after its dump, verified when asked. */
function backup(ago: number, over: Partial<PruneCandidate> = {}): PruneCandidate {
  const createdAt = new Date(NOW.getTime() - ago);
  return {
    key: `p/neo4j/neo4j-${createdAt.toISOString().replace(/[-:]|\.\d{3}/g, "")}.dump`,
    db: "neo4j",
    state: "committed",
    createdAt,
    lastModified: new Date(createdAt.getTime() + 60_000),
    ...over,
  };
}

const byKey = (plan: PlanEntry[]) => new Map(plan.map((e) => [e.key, e]));
const removed = (plan: PlanEntry[]) => plan.filter((e) => e.action === "remove").map((e) => e.key);

describe("planPrune rules", () => {
  // 60 daily backups, all verified: the guards keep only the newest.
  const daily = Array.from({ length: 60 }, (_, i) => backup(i * DAY, { verifiedAt: NOW }));

  it("keep-last keeps the newest N and removes the rest with a reason", () => {
    const plan = planPrune(daily, options({ rules: { last: 3 } }));
    expect(plan.filter((e) => e.action === "keep").map((e) => e.key)).toEqual(
      daily.slice(0, 3).map((b) => b.key),
    );
    expect(plan[2]!.reasons).toEqual(["keep-last 3"]);
    expect(plan[10]!.reasons).toEqual(["matches no keep rule"]);
  });

  it("keeps every backup newer than the newest verified one, by created_at or by LastModified", () => {
    const list = daily
      .slice(0, 10)
      .map((b, i) => ({ ...b, verifiedAt: i === 4 ? NOW : undefined }));
    // Dumped before the verified one (within the tolerance) but stored after it.
    list[5] = { ...list[5]!, lastModified: new Date(list[4]!.lastModified!.getTime() + 1000) };
    list[5].createdAt = new Date(list[5].lastModified!.getTime() - 30 * 60_000);
    const plan = byKey(planPrune(list, options({ rules: { last: 1 } })));
    for (const i of [1, 2, 3, 5])
      expect(plan.get(list[i]!.key)!.reasons).toEqual([
        "newer than the newest verified backup (by created_at or by LastModified)",
      ]);
    expect(plan.get(list[6]!.key)!.action).toBe("remove");
  });

  it("keep-daily keeps one per day, the newest of the day", () => {
    const twice = daily.flatMap((b) => [
      b,
      backup(NOW.getTime() - b.createdAt.getTime() + HOUR, { verifiedAt: NOW }),
    ]);
    const plan = planPrune(twice, options({ rules: { daily: 5 } }));
    const kept = plan.filter((e) => e.action === "keep");
    expect(kept.map((e) => e.key)).toEqual(daily.slice(0, 5).map((b) => b.key));
    expect(kept[1]!.reasons).toEqual(["keep-daily 2026-11-30"]);
  });

  it("keep-weekly, keep-monthly and keep-yearly bucket by ISO week, month and year (UTC)", () => {
    const plan = planPrune(daily, options({ rules: { weekly: 2, monthly: 2, yearly: 1 } }));
    const keep = plan.filter((e) => e.action === "keep");
    expect(keep.map((e) => e.reasons.join(","))).toEqual([
      "newest committed backup,newest verified backup (verified 2026-12-01T12:00:00Z),keep-weekly 2026-W49,keep-monthly 2026-12,keep-yearly 2026",
      "keep-monthly 2026-11", // Monday 30 November is in the week of 1 December
      "keep-weekly 2026-W48",
    ]);
  });

  it("keep-within counts back from the newest backup, not from now", () => {
    const old = daily.slice(20); // newest is 20 days old
    const plan = planPrune(old, options({ rules: { within: parseSpan("3d", "w") } }));
    expect(plan.filter((e) => e.action === "keep")).toHaveLength(4);
  });

  it("removes an uncommitted dump older than the age and keeps a broken one unless asked", () => {
    const junk = backup(5 * DAY, { state: "uncommitted", key: "p/neo4j/neo4j-x.dump" });
    const broken = backup(6 * DAY, {
      state: "broken",
      brokenReason: "size",
      key: "p/neo4j/b.dump",
    });
    const base = [daily[0]!, junk, broken];
    const plan = byKey(planPrune(base, options({ rules: { last: 1 } })));
    expect(plan.get(junk.key)!.action).toBe("remove");
    expect(plan.get(broken.key)!.reasons[0]).toMatch(/--remove-broken removes it/);
    expect(
      byKey(planPrune(base, options({ rules: { last: 1 }, removeBroken: true }))).get(broken.key)!
        .action,
    ).toBe("remove");
  });

  it("keeps the last backup before a shrink for the stated time, and says so", () => {
    const list = daily.slice(0, 10).map((b, i) => (i === 2 ? { ...b, shrink: { ratio: 0.1 } } : b));
    const plan = planPrune(list, options({ rules: { last: 1 } }));
    expect(plan[3]!.action).toBe("keep");
    expect(plan[3]!.reasons[0]).toMatch(
      /^last backup before a shrink \(.* shrank to 0.1\): kept until 2026-12-29T12:00:00Z$/,
    );
    const later = planPrune(
      list,
      options({ rules: { last: 1 }, now: new Date(NOW.getTime() + 40 * DAY) }),
    );
    expect(later[3]!.action).toBe("remove");
  });

  it("holds a database while a dump without a sidecar was stored recently, however old its key's time", () => {
    const uploading = backup(5 * DAY, {
      state: "uncommitted",
      key: "p/neo4j/neo4j-old.dump",
      lastModified: new Date(NOW.getTime() - HOUR),
    });
    const plan = planPrune([...daily.slice(0, 10), uploading], options({ rules: { last: 1 } }));
    expect(plan.every((e) => e.action === "keep")).toBe(true);
    expect(plan[9]!.reasons).toEqual([
      "a backup of neo4j may be running (uncommitted p/neo4j/neo4j-old.dump younger than 12h): nothing of it is removed",
    ]);
  });

  it("flags and keeps a backup whose created_at and LastModified disagree", () => {
    const skewed = {
      ...daily[9]!,
      lastModified: new Date(daily[9]!.createdAt.getTime() + 2 * HOUR),
    };
    const plan = planPrune([...daily.slice(0, 9), skewed], options({ rules: { last: 1 } }));
    expect(plan[9]).toMatchObject({ action: "keep", flagged: true });
    expect(plan[9]!.reasons[0]).toMatch(/^flagged: created_at .* differ by more than 1h$/);
  });

  it("skips a locked backup until its retention has passed", () => {
    const locked = { ...daily[5]!, lockedUntil: new Date(NOW.getTime() + 1000) };
    const list = [...daily.slice(0, 5), locked];
    expect(planPrune(list, options({ rules: { last: 1 } }))[5]!.reasons[0]).toBe(
      "locked (Object Lock) until 2026-12-01T12:00:01Z",
    );
    const after = planPrune(
      list,
      options({ rules: { last: 1 }, now: new Date(NOW.getTime() + 2000) }),
    );
    expect(after[5]!.action).toBe("remove");
  });
});

// --- properties of the guarantees ---

const candidate = fc
  .record({
    agoHours: fc.integer({ min: 0, max: 24 * 400 }),
    // Mostly within the 1 h tolerance (so the rules and guards decide), sometimes far off.
    skewMin: fc.oneof(
      { arbitrary: fc.integer({ min: -50, max: 50 }), weight: 6 },
      { arbitrary: fc.integer({ min: -180, max: 180 }), weight: 1 },
    ),
    state: fc.constantFrom(
      "committed",
      "committed",
      "committed",
      "broken",
      "uncommitted",
      "records",
    ),
    db: fc.constantFrom("neo4j", "graph"),
    verifiedHoursAfter: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 24 * 30 }), weight: 1 },
    ),
    lockHours: fc.option(fc.integer({ min: -48, max: 48 })),
    shrink: fc.boolean(),
    n: fc.nat(1000),
  })
  .map((r): PruneCandidate => {
    const createdAt = new Date(NOW.getTime() - r.agoHours * HOUR);
    return {
      key: `p/${r.db}/${r.db}-${r.agoHours}-${r.n}.dump`,
      db: r.db,
      state: r.state,
      createdAt,
      lastModified: new Date(createdAt.getTime() + r.skewMin * 60_000),
      ...(r.verifiedHoursAfter !== null && r.state === "committed"
        ? { verifiedAt: new Date(createdAt.getTime() + r.verifiedHoursAfter * HOUR) }
        : {}),
      ...(r.lockHours !== null
        ? { lockedUntil: new Date(NOW.getTime() + r.lockHours * HOUR) }
        : {}),
      ...(r.shrink && r.state === "committed" ? { shrink: { ratio: 0.2 } } : {}),
      ...(r.state === "broken" ? { brokenReason: "size" } : {}),
    };
  });

const optionsArb = fc
  .record({
    last: fc.option(fc.integer({ min: 0, max: 5 })),
    hourly: fc.option(fc.integer({ min: 0, max: 5 })),
    daily: fc.option(fc.integer({ min: 0, max: 10 })),
    weekly: fc.option(fc.integer({ min: 0, max: 5 })),
    monthly: fc.option(fc.integer({ min: 0, max: 12 })),
    yearly: fc.option(fc.integer({ min: 0, max: 3 })),
    within: fc.option(fc.constantFrom("1d", "2w", "1m", "1y2m")),
    removeBroken: fc.boolean(),
  })
  .map(({ within, removeBroken, ...rest }) =>
    options({
      rules: {
        ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null)),
        ...(within ? { within: parseSpan(within, "w") } : {}),
      },
      removeBroken,
    }),
  );

const world = fc.tuple(
  fc.uniqueArray(candidate, { selector: (c) => c.key, maxLength: 40 }),
  optionsArb,
);

describe("planPrune guarantees (property)", () => {
  const gone = (plan: PlanEntry[]) => new Set(removed(plan));
  const run = (check: (list: PruneCandidate[], plan: PlanEntry[], o: PruneOptions) => void) =>
    fc.assert(
      fc.property(world, ([list, o]) => check(list, planPrune(list, o), o)),
      { numRuns: 300 },
    );
  const ofDb = (list: PruneCandidate[], db: string) => list.filter((c) => c.db === db);

  it("plans every candidate exactly once, each with a reason", () =>
    run((list, plan) => {
      expect(plan.map((e) => e.key).sort()).toEqual(list.map((c) => c.key).sort());
      for (const e of plan) expect(e.reasons.length).toBeGreaterThan(0);
    }));

  it("never removes the newest committed backup of a database (by created_at or by LastModified)", () =>
    run((list, plan) => {
      for (const db of ["neo4j", "graph"]) {
        const committed = ofDb(list, db).filter((c) => c.state === "committed");
        if (committed.length === 0) continue;
        const maxC = Math.max(...committed.map((c) => c.createdAt.getTime()));
        const maxL = Math.max(...committed.map((c) => c.lastModified!.getTime()));
        for (const c of committed)
          if (c.createdAt.getTime() === maxC || c.lastModified!.getTime() === maxL)
            expect(gone(plan).has(c.key)).toBe(false);
      }
    }));

  it("never removes the newest verified backup nor any committed backup newer than it; nothing committed while none is verified", () =>
    run((list, plan) => {
      for (const db of ["neo4j", "graph"]) {
        const committed = ofDb(list, db).filter((c) => c.state === "committed");
        const verified = committed.filter((c) => c.verifiedAt);
        const v = verified.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
        for (const c of committed)
          if (!v || c.createdAt.getTime() >= v.createdAt.getTime())
            expect(gone(plan).has(c.key)).toBe(false);
      }
    }));

  it("removes nothing of a database while one of its dumps is uncommitted and young", () =>
    run((list, plan, o) => {
      const young = NOW.getTime() - 12 * HOUR;
      for (const db of ["neo4j", "graph"]) {
        const mine = ofDb(list, db);
        const running = mine.some(
          (c) =>
            c.state === "uncommitted" &&
            Math.max(c.createdAt.getTime(), c.lastModified!.getTime()) > young,
        );
        if (running) for (const c of mine) expect(gone(plan).has(c.key)).toBe(false);
      }
      expect(o.uncommittedAge.text).toBe("12h");
    }));

  it("never removes a locked, time-flagged, or (without --remove-broken) broken backup", () =>
    run((list, plan, o) => {
      for (const c of list) {
        const locked = c.lockedUntil !== undefined && c.lockedUntil.getTime() > NOW.getTime();
        const skew = Math.abs(c.lastModified!.getTime() - c.createdAt.getTime()) > HOUR;
        const flagged = c.state === "committed" && skew;
        const broken = c.state === "broken" && !o.removeBroken;
        if (locked || flagged || broken) expect(gone(plan).has(c.key)).toBe(false);
      }
    }));

  it("is stable: planning again over what it keeps removes nothing more", () =>
    run((list, plan, o) => {
      const kept = list.filter((c) => !gone(plan).has(c.key));
      expect(removed(planPrune(kept, o))).toEqual([]);
    }));
});
