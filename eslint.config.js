import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

// What a library must leave to the apps (docs/architecture.md §1): configuration, printing and
// the process's fate. @nbs/cli-kit is the one package that owns these process concerns.
const PROCESS_CONCERN = "belongs to the apps and @nbs/cli-kit; take it as an argument instead";

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/.turbo/**",
      ".nbs/**",
      "**/.vitest-results/**",
      "bench/results/**",
      "**/*.js",
      "**/*.mjs",
      "**/*.config.ts",
      "tooling/vitest.shared.ts",
      // Snippets that break the rules on purpose; tooling/lint-rules lints them with ignore: false.
      "tooling/lint-rules/fixtures/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: {
      // Without these, import-x skips .ts dependencies and no-cycle sees no cycle at all.
      "import-x/extensions": [".ts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [
        createTypeScriptImportResolver({
          project: ["packages/*/tsconfig.json", "apps/*/tsconfig.json", "tooling/*/tsconfig.json"],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
      "import-x/no-cycle": "error",
    },
  },
  {
    files: ["packages/*/src/**/*.ts"],
    ignores: ["packages/cli-kit/**", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: `process.env ${PROCESS_CONCERN}` },
        { object: "process", property: "exit", message: `process.exit ${PROCESS_CONCERN}` },
        { object: "process", property: "exitCode", message: `process.exitCode ${PROCESS_CONCERN}` },
        { object: "process", property: "stdout", message: `process.stdout ${PROCESS_CONCERN}` },
        { object: "process", property: "stderr", message: `process.stderr ${PROCESS_CONCERN}` },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "**/*.integ.test.ts", "tooling/**/*.ts", "bench/**/*.ts"],
    rules: {
      "no-console": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      // expect.stringContaining() & co. are typed `any` by vitest
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
);
