import pkg from "../package.json" with { type: "json" };
import type { ToolInfo } from "@nbs/metadata";

/** Who wrote a safety copy's sidecar. */
export const TOOL: ToolInfo = { name: "nbs-verify restore", version: pkg.version };
