import { parseString } from "./config.js";
import { setting } from "./common-settings.js";

/**
 * The Neo4j a command stops, starts or asks (dump, restore): what each is used for differs, so
 * each command describes them; the Bolt user is the same everywhere. The password comes only
 * from NEO4J_PASSWORD, never a flag.
 */
export function neo4jServerSettings(describe: { home: string; service: string; uri: string }) {
  return {
    neo4jHome: setting(["NEO4J_HOME"], "string", describe.home, undefined, parseString),
    neo4jService: setting(["NEO4J_SERVICE"], "string", describe.service, undefined, parseString),
    neo4jUri: setting(["NEO4J_URI"], "string", describe.uri, undefined, parseString),
    neo4jUser: setting(
      ["NEO4J_USERNAME"],
      "string",
      "Bolt user (password from NEO4J_PASSWORD only)",
      "neo4j",
      parseString,
    ),
  };
}
