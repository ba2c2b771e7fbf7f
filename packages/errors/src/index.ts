export { ERROR_CODES } from "./codes.js";
export type { ErrorCategory, NbsErrorCode } from "./codes.js";
export { NbsError, isNbsError } from "./errors.js";
export type { NbsErrorOptions } from "./errors.js";
