import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// docs/architecture.md §8 lists the log events (the `event` field) by command. Every event the
// libraries and apps emit must be there, and every event there must still be emitted.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOC = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");

/** The backticked names in the §8 event table (`<command>` and `.*` are wildcards). */
function documentedEvents(doc: string): string[] {
  const section = doc.slice(doc.indexOf("\n## 8. Logs"), doc.indexOf("\n## 9."));
  const table = section
    .split("\n")
    .filter((line) => /^\| [^-]/.test(line) && !/^\| command/.test(line));
  return table.flatMap((row) => {
    // The names, not the field names that explain them in parentheses.
    const events = (row.split("|")[2] ?? "").replace(/\([^)]*\)/g, "");
    return [...events.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  });
}

// A call that emits an event: emit("x", …), onEvent("x", …), onEvent?.("x", …), sink("x", …),
// logger.log(level, "x", …), and the `event: "x"` of the progress and final events.
const EMITS =
  /(?:\bemit|\bonEvent|\bsink)(?:\?\.)?\(\s*([`"])([^`"]+)\1|\.log\(\s*[^,()]+(?:\([^()]*\))?,\s*([`"])([^`"]+)\3|\bevent:\s*([`"])([^`"]+)\5/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.includes(".test."))
    .map((e) => join(e.parentPath, e.name));
}

/** Each emitted name (`${…}` as `*`) with the files that emit it. */
function emittedEvents(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const group of ["packages", "apps"]) {
    for (const pkg of readdirSync(join(ROOT, group))) {
      const src = join(ROOT, group, pkg, "src");
      let files: string[];
      try {
        files = sourceFiles(src);
      } catch {
        continue;
      }
      for (const file of files) {
        for (const m of readFileSync(file, "utf8").matchAll(EMITS)) {
          const name = (m[2] ?? m[4] ?? m[6]!).replace(/\$\{[^}]*\}/g, "*");
          found.set(name, [...(found.get(name) ?? []), relative(ROOT, file)]);
        }
      }
    }
  }
  return found;
}

/**
 * Can two names stand for one event? `*` (from `${…}` in the code, `.*` in the table) and
 * `<…>` stand for any part; two names with wildcards cover each other when some event fits both.
 */
function covers(a: string, b: string): boolean {
  const x = a.replace(/<[^>]+>/g, "*");
  const y = b.replace(/<[^>]+>/g, "*");
  const seen = new Map<string, boolean>();
  const fits = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (seen.has(key)) return seen.get(key)!;
    let ok: boolean;
    if (i === x.length && j === y.length) ok = true;
    else if (x[i] === "*") ok = fits(i + 1, j) || (j < y.length && fits(i, j + 1));
    else if (y[j] === "*") ok = fits(i, j + 1) || (i < x.length && fits(i + 1, j));
    else ok = i < x.length && j < y.length && x[i] === y[j] && fits(i + 1, j + 1);
    seen.set(key, ok);
    return ok;
  };
  return fits(0, 0);
}

describe("docs/architecture.md §8 event table", () => {
  const documented = documentedEvents(DOC);
  const emitted = emittedEvents();

  it("finds the table and the emitting calls", () => {
    expect(documented.length).toBeGreaterThan(20);
    expect(emitted.size).toBeGreaterThan(20);
  });

  it("documents every event the code emits", () => {
    const missing = [...emitted.keys()]
      .filter((name) => !documented.some((d) => covers(d, name)))
      .map((name) => `${name} (${emitted.get(name)!.join(", ")})`);
    expect(missing, "events emitted but not in the table").toEqual([]);
  });

  it("documents no event the code does not emit", () => {
    const stale = documented.filter((d) => ![...emitted.keys()].some((name) => covers(d, name)));
    expect(stale, "events in the table that nothing emits").toEqual([]);
  });
});

// §1 names @nbs/s3-store's public surface: every value its entry point exports.
describe("docs/architecture.md §1 s3-store surface", () => {
  const entry = readFileSync(join(ROOT, "packages/s3-store/src/index.ts"), "utf8");
  const exported = [...entry.matchAll(/^export \{([^}]*)\} from/gm)].flatMap((m) =>
    m[1]!
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "" && !name.startsWith("type ")),
  );
  const section = DOC.slice(DOC.indexOf("\n## 1. Map"), DOC.indexOf("\n## 2."));
  const surface = section.slice(section.indexOf("`@nbs/s3-store` is also a public library"));
  const paragraph = surface.slice(0, surface.indexOf("\n- "));

  it("names every value the package exports", () => {
    expect(exported.length).toBeGreaterThan(10);
    expect(exported.filter((name) => !paragraph.includes(`\`${name}\``))).toEqual([]);
  });
});
