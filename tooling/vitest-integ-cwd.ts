// Setup file of the integration run (tooling/vitest.integ.ts): each suite runs in its package's
// directory, as under `pnpm --filter <pkg> test:integ`, so what it spawns resolves packages and
// relative paths from there (forks pool: each suite has its own process).
const dir = process.env["NBS_INTEG_PACKAGE_DIR"];
if (dir) process.chdir(dir);
