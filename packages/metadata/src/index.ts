export type {
  BackupMeta,
  CompressionInfo,
  GraphSchema,
  GraphStats,
  Neo4jInfo,
  ObjectLockInfo,
  SchemaConstraint,
  SchemaIndex,
  ShrinkMeasures,
  ShrinkRecord,
  SetMembership,
  SseMode,
  StorageInfo,
  ToolInfo,
} from "./types.js";
export { backupMetaSchema, parseBackupMeta, validateBackupMeta } from "./validate.js";
export type { MetaValidation } from "./validate.js";
export { MetaValidationError, buildBackupMeta, serializeBackupMeta } from "./build.js";
export type { BackupMetaInput } from "./build.js";
export {
  SIDECAR_SUFFIX,
  backupFileName,
  backupKey,
  formatBackupTimestamp,
  isValidBucketName,
  isValidDbName,
  normalizePrefix,
  parseBackupFileName,
  parseBackupKey,
  parseBackupTimestamp,
  sidecarKey,
} from "./key.js";
export type { BackupFileName, BackupKeyParts, KeyCompression } from "./key.js";
export { detectShrink, shrinkMeasures, shrinkRatio } from "./shrink.js";
export { parseSetManifest, setIdOfKey, setManifestKey } from "./set-manifest.js";
export type { SetManifest, SetMember } from "./set-manifest.js";
