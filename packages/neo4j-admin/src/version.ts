import { NbsError } from "@nbs/errors";

/**
 * Which neo4j-admin syntax a version speaks: "4" for 3.5 to 4.4 (`neo4j-admin dump …`),
 * "5" for 5.x and the calendar-versioned 2025.x+ releases (`neo4j-admin database dump …`).
 */
export type CommandFamily = "4" | "5";

export interface Neo4jVersion {
  /** As printed, e.g. "5.26.30", "2025.01.0", "4.4.44". */
  raw: string;
  major: number;
  minor: number;
  patch: number;
  family: CommandFamily;
}

export type Neo4jEdition = "community" | "enterprise" | "unknown";

const VERSION = /\b(\d{1,4})\.(\d{1,2})\.(\d{1,3})\b/;

/** Parse the first version number in `neo4j-admin --version` / `neo4j version` output or a jar name. */
export function parseNeo4jVersion(text: string): Neo4jVersion {
  const match = VERSION.exec(text);
  if (!match) {
    throw new NbsError(
      "NEO4J_VERSION_UNKNOWN",
      `no Neo4j version found in ${JSON.stringify(text.slice(0, 200))}`,
      {
        hint: "check that the installation's bin/neo4j-admin runs and prints its version",
      },
    );
  }
  const [raw, major, minor, patch] = match.slice(0, 4).map(String) as [
    string,
    string,
    string,
    string,
  ];
  const version = { raw, major: Number(major), minor: Number(minor), patch: Number(patch) };
  return { ...version, family: commandFamily(version.major, version.minor, raw) };
}

function commandFamily(major: number, minor: number, raw: string): CommandFamily {
  if (major >= 5) return "5"; // includes calendar versions 2025.x and later
  if (major === 4 || (major === 3 && minor === 5)) return "4";
  throw new NbsError("NEO4J_VERSION_UNSUPPORTED", `Neo4j ${raw} is not supported`, {
    hint: "nbs drives Neo4j 3.5, 4.x, 5.x and 2025.x or later",
  });
}
