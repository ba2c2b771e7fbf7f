import { ESLint } from "eslint";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// ignore: false so the fixtures (ignored by the repository's own lint run) are linted here.
const eslint = new ESLint({ cwd: ROOT, ignore: false });

/** The rule ids ESLint reports for `code` linted as the workspace file `path`. */
async function rulesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

// Snippets linted as if they were these existing files (typed linting needs a file of a project).
const LIBRARY = "packages/metadata/src/build.ts";
const LIBRARY_TEST = "packages/metadata/src/key.test.ts";
const CLI_KIT = "packages/cli-kit/src/config.ts";

const PROCESS_CONCERNS = {
  "process.env": 'export const region = process.env["AWS_REGION"];\n',
  "destructured process.env": "const { env } = process;\nexport const region = env.AWS_REGION;\n",
  "process.exit": "export function stop(): void {\n  process.exit(1);\n}\n",
  "process.exitCode": "export function fail(): void {\n  process.exitCode = 2;\n}\n",
  "process.stdout": 'export function say(): void {\n  process.stdout.write("hi\\n");\n}\n',
  "process.stderr": 'export function warn(): void {\n  process.stderr.write("oops\\n");\n}\n',
};

// The first lint of a file loads TypeScript's view of its project: seconds, minutes on a busy
// machine (`dev.sh test` lints, builds and tests every package at once). A bound for a hang only.
const SLOW = { timeout: 600_000 };

describe("libraries leave the process to the apps and cli-kit", SLOW, () => {
  it.each(Object.entries(PROCESS_CONCERNS))("flags %s in a library", async (_what, code) => {
    expect(await rulesFor(LIBRARY, code)).toEqual(["no-restricted-properties"]);
  });

  it.each(["node:process", "process"])("flags an import of %s in a library", async (name) => {
    const code = `import { env } from "${name}";\nexport const region = env["AWS_REGION"];\n`;
    expect(await rulesFor(LIBRARY, code)).toEqual(["no-restricted-imports"]);
  });

  it("flags console.* in a library", async () => {
    expect(
      await rulesFor(LIBRARY, 'export function say(): void {\n  console.error("hi");\n}\n'),
    ).toEqual(["no-console"]);
  });

  it.each([CLI_KIT, LIBRARY_TEST])("allows them in %s", async (path) => {
    const imported =
      'import { env } from "node:process";\nexport const region = env["AWS_REGION"];\n';
    for (const code of [...Object.values(PROCESS_CONCERNS), imported]) {
      expect(await rulesFor(path, code)).toEqual([]);
    }
  });

  it("passes a library snippet that takes its environment as an argument", async () => {
    const code =
      "export function region(env: Record<string, string | undefined>): string | undefined {\n" +
      '  return env["AWS_REGION"];\n}\n';
    expect(await rulesFor(LIBRARY, code)).toEqual([]);
  });
});

describe("import-x/no-cycle", SLOW, () => {
  it("flags both halves of an import cycle between two TypeScript files", async () => {
    const results = await eslint.lintFiles([join(ROOT, "tooling/lint-rules/fixtures/cycle/*.ts")]);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.messages.map((m) => m.ruleId)).toEqual(["import-x/no-cycle"]);
    }
  });

  it("passes the same files once the cycle is broken", async () => {
    const code = 'export const a = (): string => "a";\n';
    expect(await rulesFor("tooling/lint-rules/fixtures/cycle/a.ts", code)).toEqual([]);
  });
});
