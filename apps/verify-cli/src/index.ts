export { main } from "./main.js";
export type { Io } from "./main.js";
export { VERIFY_SETTINGS, chooseMode, chooseSource, resolveVerifySettings } from "./settings.js";
export type { ResolvedVerifySettings, VerifySettings } from "./settings.js";
export { LIST_SETTINGS } from "./list-settings.js";
export type { ListSettings } from "./list-settings.js";
export { RESTORE_SETTINGS } from "./restore-settings.js";
export { RESTORE_SET_SETTINGS } from "./restore-set-settings.js";
export type { RestoreSettings } from "./restore-settings.js";
