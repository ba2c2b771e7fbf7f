import pkg from "../package.json" with { type: "json" };
import type { ToolInfo } from "@nbs/metadata";

export const TOOL: ToolInfo = { name: "nbs-upload", version: pkg.version };
export const TOOL_DUMP: ToolInfo = { name: "nbs-upload dump", version: pkg.version };
