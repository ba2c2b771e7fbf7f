import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// What the test command (tooling/dev.sh test) relies on in every workspace package.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface Manifest {
  name: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
}

const packages = ["packages", "apps", "tooling"].flatMap((group) =>
  readdirSync(join(ROOT, group), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(ROOT, group, e.name, "package.json")))
    .map((e) => {
      const dir = `${group}/${e.name}`;
      const manifest = JSON.parse(
        readFileSync(join(ROOT, dir, "package.json"), "utf8"),
      ) as Manifest;
      return { dir, manifest };
    }),
);
const tracked = new Set(
  execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n"),
);

describe("workspace packages", () => {
  it("link their bins to committed files, so a fresh clone's pnpm install warns about none", () => {
    const bins = packages.flatMap(({ dir, manifest }) =>
      Object.values(
        typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {}),
      ).map((target) => join(dir, target)),
    );
    expect(bins.length).toBeGreaterThan(0);
    expect(bins.filter((bin) => !tracked.has(bin))).toEqual([]);
  });

  it("with integration suites have a test:integ script (how tooling/vitest.integ.ts finds them)", () => {
    const integFiles = [...tracked].filter((f) =>
      /^(packages|apps|tooling)\/.*\.integ\.test\.ts$/.test(f),
    );
    expect(integFiles.length).toBeGreaterThan(0);
    const missing = integFiles.filter((file) => {
      const owner = packages.find(({ dir }) => file.startsWith(`${dir}/`));
      return !owner?.manifest.scripts?.["test:integ"];
    });
    expect(missing).toEqual([]);
  });
});
