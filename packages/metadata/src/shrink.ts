import type { BackupMeta, ShrinkMeasures, ShrinkRecord } from "./types.js";

/** What the shrink guard compares of a backup: its counts (when recorded) and its uncompressed dump bytes. */
export function shrinkMeasures(
  meta: Pick<BackupMeta, "size" | "compression" | "stats">,
): ShrinkMeasures {
  return {
    ...(meta.stats ? { nodes: meta.stats.nodes, relationships: meta.stats.relationships } : {}),
    // Compressed and uncompressed backups stay comparable: the dump's own bytes, not the object's.
    size: meta.compression?.original_size ?? meta.size,
  };
}

/**
 * to / from of the measure that dropped most, over the measures both sides have and the older
 * one has a non-zero value for; undefined when nothing is comparable.
 */
export function shrinkRatio(from: ShrinkMeasures, to: ShrinkMeasures): number | undefined {
  let ratio: number | undefined;
  for (const m of ["nodes", "relationships", "size"] as const) {
    const a = from[m];
    const b = to[m];
    if (a === undefined || b === undefined || a <= 0) continue;
    const r = b / a;
    if (ratio === undefined || r < ratio) ratio = r;
  }
  return ratio;
}

/**
 * The shrink record when `to` dropped by more than `maxShrink` (a fraction, 0.5 = 50 %) against
 * `from` on any measure; undefined otherwise. `maxShrink` 1 never reports.
 */
export function detectShrink(
  fromKey: string,
  from: ShrinkMeasures,
  to: ShrinkMeasures,
  maxShrink: number,
): ShrinkRecord | undefined {
  const ratio = shrinkRatio(from, to);
  if (ratio === undefined || !(1 - ratio > maxShrink)) return undefined;
  return { from_key: fromKey, from, to, ratio: Math.round(ratio * 1e6) / 1e6 };
}
