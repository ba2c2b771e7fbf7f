import type { Options } from "tsup";

/**
 * tsup for an app (apps/upload-cli, apps/verify-cli): `build` empties dist/ first, because tsup
 * runs the two builds below concurrently and neither may `clean`. turbo.json lists this file
 * among the build inputs.
 */
export function cliTsupConfig(): Options[] {
  const common = {
    format: ["esm"],
    target: "node22",
    platform: "node",
    sourcemap: true,
    outDir: "dist",
  } satisfies Options;
  return [
    // The library entry: dependencies stay external, with .d.ts.
    { ...common, name: "index", entry: ["src/index.ts"], dts: true },
    // The bin, bundled with its dependencies so a run does not resolve and load hundreds of
    // files from node_modules (≈ 60 ms and 15 MiB RSS per run). It shares no module state with
    // index.js (cli.ts only calls main()). Lazily imported subcommands stay separate chunks; the
    // banner gives bundled CommonJS a `require` for node builtins. yargs stays external: it
    // reads its locale files relative to its own module file, which bundled would point
    // outside dist/ (help would silently be English only). So each app lists yargs among its
    // dependencies although only @nbs/cli-kit imports it: the bundle resolves it from the app
    // (knip.json ignores it there).
    {
      ...common,
      name: "cli",
      entry: ["src/cli.ts"],
      noExternal: [/^(?!yargs(\/|$))/],
      splitting: true,
      banner: {
        js: "import { createRequire as __nbsCreateRequire } from 'node:module'; const require = __nbsCreateRequire(import.meta.url);",
      },
    },
  ];
}
