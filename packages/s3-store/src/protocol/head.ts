import type { S3Client } from "@aws-sdk/client-s3";
import { sidecarKey, type BackupMeta } from "@nbs/metadata";
import { NbsError } from "@nbs/errors";
import { headObject, type ObjectInfo } from "../transport/head-object.js";
import { readSidecar } from "./sidecar.js";

export interface CommittedBackup {
  bucket: string;
  key: string;
  meta: BackupMeta;
  object: ObjectInfo;
}

/**
 * A committed backup: its sidecar validates and its object exists. Undefined when there is no
 * sidecar; throws (INTEGRITY class: SIDECAR_INVALID, BACKUP_DUMP_MISSING) when the sidecar is invalid or points at a missing object.
 */
export async function headBackup(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<CommittedBackup | undefined> {
  const sidecar = await readSidecar(client, bucket, sidecarKey(key), signal);
  if (sidecar.state === "absent") return undefined;
  if (sidecar.state === "invalid") {
    throw new NbsError(
      "SIDECAR_INVALID",
      `s3://${bucket}/${sidecarKey(key)} does not match the .meta.json schema: ${sidecar.errors.join("; ")}`,
      { hint: "regenerate the sidecar with nbs-upload, or check which tool wrote it" },
    );
  }
  const object = await headObject(client, bucket, key, signal);
  if (!object) {
    throw new NbsError(
      "BACKUP_DUMP_MISSING",
      `s3://${bucket}/${sidecarKey(key)} commits a dump that is missing`,
      {
        hint: "the backup is lost or was deleted outside nbs; do not rely on it",
      },
    );
  }
  return { bucket, key, meta: sidecar.meta, object };
}
