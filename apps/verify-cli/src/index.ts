export { main } from "./main.js";
export type { Io } from "./main.js";
export {
  VERIFY_SETTINGS,
  chooseMode,
  chooseSource,
  resolveVerifySettings,
} from "./commands/verify/settings.js";
export type { ResolvedVerifySettings, VerifySettings } from "./commands/verify/settings.js";
export { LIST_SETTINGS } from "./commands/list/settings.js";
export type { ListSettings } from "./commands/list/settings.js";
export { RESTORE_SETTINGS } from "./commands/restore/settings.js";
export { RESTORE_SET_SETTINGS } from "./commands/restore-set/settings.js";
export type { RestoreSettings } from "./commands/restore/settings.js";
