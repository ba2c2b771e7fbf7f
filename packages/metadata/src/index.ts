export { NbsError, isNbsError } from "./errors.js";
export type { NbsErrorCode, NbsErrorOptions } from "./errors.js";
