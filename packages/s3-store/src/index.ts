// The public surface of @nbs/s3-store (README "API"). The transport (multipart engine, part
// checksums, payload signing, retries) is internal: a caller can only write committed backups.
export { createS3Client } from "./transport/client.js";
export type { RequestChecksumMode, S3ClientOptions } from "./transport/client.js";
export { PAYLOAD_SIGNING_MODES } from "./transport/payload-signing.js";
export type { PayloadSigning } from "./transport/payload-signing.js";
export { toStorageError } from "./transport/errors.js";
export type { SseOptions, SseRequest } from "./transport/sse.js";
export { getObjectRetention } from "./transport/object-lock.js";
export type {
  ObjectLockMode,
  ObjectLockRequest,
  ObjectRetention,
} from "./transport/object-lock.js";
export type { PartChecksum, UploadProgress } from "./transport/upload-input.js";
export type { ObjectInfo } from "./transport/head-object.js";
export { backupFile } from "./backup-file.js";
export type { BackupFileOptions, BackupFileResult, BackupOutcome } from "./backup-file.js";
export { putBackup } from "./protocol/put.js";
export type {
  PutBackupInput,
  PutBackupResult,
  PutStatus,
  SidecarFields,
  StoreEvent,
} from "./protocol/put.js";
export { headBackup } from "./protocol/head.js";
export type { CommittedBackup } from "./protocol/head.js";
export { getBackupStream, latestBackup, listBackups, listDumps } from "./protocol/list.js";
export { backupStream } from "./protocol/put-stream.js";
export { checkShrink } from "./protocol/shrink-guard.js";
export type { ShrinkCheck, ShrinkGuardInput } from "./protocol/shrink-guard.js";
export { getSetManifest, latestSetManifest, putSetManifest } from "./protocol/set-manifest.js";
export type { BackupStreamInput, StreamBackup } from "./protocol/put-stream.js";
export type { StreamProgress } from "./transport/upload-stream.js";
export type {
  BackupListing,
  BackupStream,
  BrokenBackup,
  DumpListing,
  DumpState,
  LatestBackup,
  ListBackupsInput,
} from "./protocol/list.js";
export {
  VERIFY_RECORD_INFIX,
  latestVerifications,
  listVerificationRecords,
  parseVerificationRecordKey,
  putVerificationRecord,
  verificationRecordKey,
  verificationRecordPrefix,
} from "./protocol/verification-records.js";
export type {
  ListVerificationRecordsInput,
  PutVerificationRecordInput,
  VerificationRecord,
  VerificationRef,
} from "./protocol/verification-records.js";
export { applyLifecycleRule, retentionRule } from "./protocol/lifecycle.js";
export type { ApplyRetentionResult, ApplyStatus } from "./protocol/lifecycle.js";
export { planPrune } from "./protocol/prune-plan.js";
export type { KeepRules, PlanEntry, PruneCandidate, PruneOptions } from "./protocol/prune-plan.js";
export { parseSpan } from "./protocol/prune-span.js";
export type { Span } from "./protocol/prune-span.js";
export { applyPrunePlan, listPruneTargets } from "./protocol/prune-store.js";
export type {
  ApplyPruneInput,
  PruneListInput,
  PruneTarget,
  StoredObject,
} from "./protocol/prune-store.js";
