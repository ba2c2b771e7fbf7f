export { main } from "./main.js";
export type { Io } from "./main.js";
export { UPLOAD_SETTINGS, resolveUploadSettings } from "./commands/upload/settings.js";
export type { UploadSettings } from "./commands/upload/settings.js";
export { DUMP_SETTINGS } from "./commands/dump/settings.js";
export { RETENTION_SETTINGS } from "./commands/retention/settings.js";
