// The public API: what nbs-verify uses, and the types its signatures name. The check builders,
// source resolution and restore steps are internal; tests import them from their modules.
// etc/verify.api.md is the reviewed report.
export { verifyBackup } from "./verify.js";
export type { VerifyOptions } from "./verify-options.js";
export type { VerifyMode, VerifyReport } from "./report.js";
export type { ContentProof, ContentProofMethod } from "./content-proof.js";
export { DEFAULT_INDEX_TIMEOUT_MS } from "./index-checks.js";
export { parseS3Uri } from "./source.js";
export type { LatestPassedOver, VerifySource } from "./source.js";
export type { Check, CheckStatus, SidecarStats } from "./checks.js";
export { renderSummaryMarkdown } from "./markdown.js";
export type { SmokeQuery } from "./ephemeral-load.js";
export type { VerifyEventSink, VerifyProgress } from "./events.js";
export { restoreToServer } from "./restore-server.js";
export type { RestoreServerOptions } from "./restore-server.js";
export type { ProofInstanceOptions } from "./restore-proof.js";
export type { RestoreServerReport } from "./restore-report.js";
export { renderRestoreSummaryMarkdown } from "./restore-markdown.js";
export type { RestoreFailure } from "./restore-markdown.js";
export type { RestorePreflight } from "./restore-preflight.js";
export { preflightRestoreSet } from "./set-preflight.js";
export type { SetPreflight, SetPreflightInput } from "./set-preflight.js";
export type { SafetyCopy } from "./safety-copy.js";
export type { SameServerProof } from "./same-server.js";
export { catalogBackups } from "./catalog.js";
export type { CatalogEntry, CatalogInput } from "./catalog.js";
export { evaluateStatus } from "./status.js";
export type {
  DbStatus,
  StatusBackup,
  StatusCode,
  StatusProblem,
  StatusReport,
  StatusThresholds,
} from "./status.js";
