export { main } from "./main.js";
export type { Io } from "./main.js";
export { UPLOAD_SETTINGS, resolveUploadSettings } from "./settings.js";
export type { UploadSettings } from "./settings.js";
