import { parseString, setting } from "@nbs/cli-kit";
import { hostname, userInfo } from "node:os";

/** "github-actions:<repo>/<workflow>#<run>" in CI, else "user@host". Never includes secrets. */
export function defaultCreatedBy(env: Record<string, string | undefined>): string {
  if (env["GITHUB_ACTIONS"] === "true") {
    const repo = env["GITHUB_REPOSITORY"] ?? "unknown";
    const workflow = env["GITHUB_WORKFLOW"] ?? "workflow";
    return `github-actions:${repo}/${workflow}#${env["GITHUB_RUN_ID"] ?? "?"}`;
  }
  let user = env["USER"] ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return `${user}@${hostname()}`.slice(0, 200);
}

/** `--created-by`: recorded in the sidecar (dump and upload); unset, defaultCreatedBy's answer. */
export const CREATED_BY_SETTING = setting(
  ["NBS_CREATED_BY"],
  "string",
  "who made the backup (default: the GitHub Actions run, else user@host)",
  undefined,
  parseString,
);
