export { main } from "./main.js";
export type { Io } from "./main.js";
export { VERIFY_SETTINGS, chooseMode, chooseSource, resolveVerifySettings } from "./settings.js";
export type { ResolvedVerifySettings, VerifySettings } from "./settings.js";
