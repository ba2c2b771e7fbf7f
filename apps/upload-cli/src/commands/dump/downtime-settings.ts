import { parseChoice, parseDuration, parseString, setting as S } from "@nbs/cli-kit";

const SNAPSHOT_CHOICES = ["off", "copy", "reflink", "auto"] as const;

/** `nbs-upload dump`'s stop-window settings: the downtime bound and snapshot mode. */
export const DOWNTIME_SETTINGS = {
  snapshot: S(
    ["NBS_SNAPSHOT"],
    "string",
    "off: the server is down for the whole dump; copy|reflink|auto: stop, copy the store to --snapshot-dir (reflink: clone on XFS/btrfs, auto: clone where possible), start again at once, dump from the copy",
    "off",
    parseChoice(SNAPSHOT_CHOICES),
    SNAPSHOT_CHOICES,
  ),
  snapshotDir: S(
    ["NBS_SNAPSHOT_DIR"],
    "string",
    "where --snapshot copies the store (needs its size + 256 MiB free; default: --out-dir, with --to-s3 the temp dir)",
    undefined,
    parseString,
  ),
  maxDowntime: S(
    ["NBS_MAX_DOWNTIME"],
    "string",
    "refuse before the stop when the estimated downtime (store size at the last recorded rate, see --state-dir) exceeds this, e.g. 90s or 5m",
    undefined,
    parseDuration,
  ),
  stateDir: S(
    ["NBS_STATE_DIR"],
    "string",
    "where each run records its downtime and store size for --max-downtime (default $XDG_STATE_HOME/nbs, else ~/.local/state/nbs)",
    undefined,
    parseString,
  ),
};
