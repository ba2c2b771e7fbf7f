// Subpath `@nbs/s3-store/timeouts`: the CLIs' settings need these defaults and the dead-server
// bound for --help and validation without loading the AWS SDK that the package root pulls in.
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  deadServerBoundMs,
} from "./transport/timeout-defaults.js";
export type { TimeoutSettings } from "./transport/timeout-defaults.js";
