export { createS3Client } from "./client.js";
export type { RequestChecksumMode, S3ClientOptions } from "./client.js";
export { PAYLOAD_SIGNING_MODES, signsPayload } from "./payload-signing.js";
export type { PayloadSigning } from "./payload-signing.js";
export { DEFAULT_MAX_ATTEMPTS, createRetryStrategy } from "./retry.js";
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  deadServerBoundMs,
} from "./timeouts.js";
export type { TimeoutSettings } from "./timeouts.js";
export { toStorageError } from "./errors.js";
export {
  DEFAULT_PART_SIZE,
  MAX_OBJECT_SIZE,
  MAX_PARTS,
  MAX_PART_SIZE,
  MIN_PART_SIZE,
  planMultipartUpload,
} from "./plan.js";
export type { UploadPlan } from "./plan.js";
export type { SseOptions } from "./sse.js";
export { multipartEtag } from "./part-checksums.js";
export { uploadFile } from "./upload-file.js";
export type {
  PartChecksum,
  UploadFileInput,
  UploadFileResult,
  UploadProgress,
} from "./upload-file.js";
export { headBackup, headObject } from "./head.js";
export type { CommittedBackup, ObjectInfo } from "./head.js";
export { readSidecar } from "./sidecar.js";
export type { SidecarState } from "./sidecar.js";
export { putBackup } from "./put.js";
export type {
  PutBackupInput,
  PutBackupResult,
  PutStatus,
  SidecarFields,
  StoreEvent,
} from "./put.js";
export { DEFAULT_STREAM_PART_SIZE, uploadStream } from "./upload-stream.js";
export type { StreamProgress, UploadStreamInput, UploadStreamResult } from "./upload-stream.js";
export { assertKeyFree, backupStream } from "./put-stream.js";
export type { BackupStreamInput } from "./put-stream.js";
export { getBackupStream, latestBackup, listBackups } from "./list.js";
export type {
  BackupListing,
  BackupStream,
  BrokenBackup,
  LatestBackup,
  ListBackupsInput,
} from "./list.js";
export { applyLifecycleRule, retentionRule } from "./lifecycle.js";
export type { ApplyRetentionResult, ApplyStatus } from "./lifecycle.js";
