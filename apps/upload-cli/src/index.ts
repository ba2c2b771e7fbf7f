export { main } from "./main.js";
export type { Io } from "./main.js";
export { UPLOAD_SETTINGS, resolveUploadSettings } from "./settings.js";
export type { UploadSettings } from "./settings.js";
export { DUMP_SETTINGS } from "./dump-settings.js";
export { RETENTION_SETTINGS } from "./retention-settings.js";
