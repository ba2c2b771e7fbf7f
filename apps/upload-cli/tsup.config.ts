import { cliTsupConfig } from "../../tooling/tsup.cli.ts";

export default cliTsupConfig();
