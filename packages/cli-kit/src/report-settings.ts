import { parseBool, parseString } from "./config.js";
import { setting } from "./common-settings.js";

/**
 * How a command reports and how far it goes: --json, --dry-run, --summary-md and --work-dir have
 * the same names, environment names and types in every command; each command says what they mean
 * for it.
 */
export const jsonSetting = (describe: string) =>
  setting(["NBS_JSON"], "boolean", describe, false, parseBool);

export const dryRunSetting = (describe: string) =>
  setting(["NBS_DRY_RUN"], "boolean", describe, false, parseBool);

export const summaryMdSetting = (describe: string) =>
  setting(["NBS_SUMMARY_MD"], "string", describe, undefined, parseString);

/** Where a command that downloads a dump makes its private temp workspace. */
export const WORK_DIR_SETTING = setting(
  ["NBS_WORK_DIR"],
  "string",
  "parent of the private temp workspace (default: the OS temp dir); needs room for the dump",
  undefined,
  parseString,
);
