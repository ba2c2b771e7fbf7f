#!/usr/bin/env node
// The installed nbs-upload command. It is committed (dist/ is not) so that pnpm can link it into
// node_modules/.bin on a fresh clone, before the first build; it runs the build's dist/cli.js.
import "../dist/cli.js";
