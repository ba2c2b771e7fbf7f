import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
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
