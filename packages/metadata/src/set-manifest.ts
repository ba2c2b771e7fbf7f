import { normalizePrefix } from "./key.js";
import type { ToolInfo } from "./types.js";

/** One database of a set: its dump (key in the bucket, or file name in the out-dir) and sha256. */
export interface SetMember {
  db: string;
  key: string;
  sidecar_key: string;
  sha256: string;
  size: number;
}

/**
 * A set: every database of one server dumped in one stop window. Written last, never replaced:
 * the set exists only once this document does, and names each member with its sha256.
 */
export interface SetManifest {
  schemaVersion: 1;
  kind: "nbs-set";
  /** `yyyymmddThhmmssZ`: when the window began; the manifest's name. */
  id: string;
  created_at: string;
  created_by: string;
  tool: ToolInfo;
  neo4j?: { version: string; edition?: "community" | "enterprise" };
  /** How long the server did not answer Bolt for the whole window (when measured). */
  downtime_ms?: number;
  /** In dump order, `system` first: the order a restore loads them in. */
  members: SetMember[];
}

const SET_ID = /^\d{8}T\d{6}Z$/;

/** `<prefix>/sets/<id>.json` in a bucket, or `sets/<id>.json` in an out-dir (prefix ""). */
export function setManifestKey(prefix: string, id: string): string {
  const p = normalizePrefix(prefix);
  return `${p === "" ? "" : `${p}/`}sets/${id}.json`;
}

/** The set id of a manifest key, or undefined when the key is not a manifest's. */
export function setIdOfKey(key: string): string | undefined {
  const id = key
    .split("/")
    .at(-1)
    ?.replace(/\.json$/, "");
  return id !== undefined && key.endsWith(".json") && SET_ID.test(id) ? id : undefined;
}

/** A manifest read back, or why it is not one (a truncated or foreign document). */
export function parseSetManifest(
  text: string,
): { ok: true; value: SetManifest } | { ok: false; reason: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  const m = doc as Partial<SetManifest> | null;
  if (m === null || typeof m !== "object" || m.kind !== "nbs-set" || m.schemaVersion !== 1)
    return { ok: false, reason: "not an nbs set manifest (kind nbs-set, schemaVersion 1)" };
  if (typeof m.id !== "string" || !SET_ID.test(m.id)) return { ok: false, reason: "no valid id" };
  if (!Array.isArray(m.members) || m.members.length === 0)
    return { ok: false, reason: "no members" };
  for (const member of m.members) {
    const ok =
      typeof member?.db === "string" &&
      typeof member.key === "string" &&
      typeof member.sidecar_key === "string" &&
      typeof member.size === "number" &&
      /^[0-9a-f]{64}$/.test(String(member.sha256));
    if (!ok) return { ok: false, reason: "a member lacks db, key, sidecar_key, sha256 or size" };
  }
  return { ok: true, value: m as SetManifest };
}
