import { NbsError } from "@nbs/errors";

/** The key holds other content: nothing is overwritten (docs/architecture.md §2). */
export function keyConflict(bucket: string, key: string, what: string): NbsError {
  return new NbsError(
    "KEY_CONFLICT",
    `s3://${bucket}/${key} already holds ${what}; refusing to overwrite`,
    {
      hint: "nothing was changed; check whether two different dumps share a name and dump time",
    },
  );
}
