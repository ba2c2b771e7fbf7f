import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { NbsError } from "@nbs/errors";
import {
  askServerDirectories,
  type DriverFactory,
  type HomeConf,
  type Neo4jInstallation,
} from "@nbs/neo4j-admin";
import { firstLine } from "./first-line.js";

/** How the Bolt URI was tied to the installation whose server a restore stops. */
export interface SameServerProof {
  uri: string;
  /** `neo4j_home`/`data_dir`: the server at the URI reported that directory of the installation; `nothing_answers`: the installation's server is down and so is the URI. */
  proven_by: "neo4j_home" | "data_dir" | "nothing_answers";
  neo4j_home: string;
  data_dir: string;
}

export interface SameServerInput {
  inst: Neo4jInstallation;
  conf: HomeConf;
  connect: () => ReturnType<DriverFactory>;
  uri: string;
  /** Whether the installation's server runs (`neo4j status`). */
  running: boolean;
}

/**
 * The emptiness check and the counts go over the URI, the stop/load/start act on the home: prove
 * they are one server before anything is stopped. A running server must report the home or the
 * data directory that the home's neo4j.conf configures; a stopped one must leave the URI silent.
 */
export async function proveSameServer(input: SameServerInput): Promise<SameServerProof> {
  const { inst, conf, uri } = input;
  const base = { uri, neo4j_home: inst.home, data_dir: conf.dataDir };
  const driver = input.connect();
  try {
    if (!input.running) {
      if (!(await answers(driver))) return { ...base, proven_by: "nothing_answers" };
      throw mismatch(
        input,
        `the server at ${inst.home} is not running, yet ${uri} answers: it is another server`,
      );
    }
    const reported = await askServerDirectories(driver, inst.version.family).catch(
      (error: unknown) => {
        throw askFailed(error, uri);
      },
    );
    if (reported.home && (await samePath(reported.home, inst.home)))
      return { ...base, proven_by: "neo4j_home" };
    if (reported.dataDir && (await samePath(reported.dataDir, conf.dataDir)))
      return { ...base, proven_by: "data_dir" };
    if (!reported.home && !reported.dataDir)
      throw new NbsError(
        "RESTORE_SERVER_UNPROVEN",
        `the server at ${uri} did not report its home or data directory, so it cannot be shown to be the one at ${inst.home}; nothing was stopped`,
        { hint: "connect as an admin user (NEO4J_USERNAME): SHOW SETTINGS needs one" },
      );
    throw mismatch(
      input,
      `${uri} is served by the Neo4j at ${reported.home ?? "?"} (data ${reported.dataDir ?? "?"}), not by the one at ${inst.home} (data ${conf.dataDir})`,
    );
  } finally {
    await driver.close();
  }
}

function mismatch(input: SameServerInput, what: string): NbsError {
  const bolt = input.conf.boltListenAddress;
  return new NbsError("RESTORE_SERVER_MISMATCH", `${what}; nothing was stopped`, {
    hint: `point --neo4j-uri (NEO4J_URI) at the server of --neo4j-home ${input.inst.home}${bolt ? ` (its neo4j.conf listens on ${bolt})` : ""}, or --neo4j-home at the installation that serves ${input.uri}`,
  });
}

function askFailed(error: unknown, uri: string): NbsError {
  const code = (error as { code?: string }).code ?? "";
  const message = firstLine(error);
  if (code === "Neo.ClientError.Security.Forbidden")
    return new NbsError(
      "RESTORE_SERVER_UNPROVEN",
      `the server at ${uri} refused to show its settings (${message}), so it cannot be shown to be the installation being restored; nothing was stopped`,
      { hint: "connect as an admin user (NEO4J_USERNAME): SHOW SETTINGS needs one", cause: error },
    );
  return new NbsError(
    "RESTORE_NEO4J_UNREACHABLE",
    `cannot ask ${uri} which server it is: ${message}`,
    {
      hint: "check --neo4j-uri (NEO4J_URI), NEO4J_USERNAME and NEO4J_PASSWORD; nothing was changed",
      cause: error,
    },
  );
}

/** Whether anything speaks Bolt at the URI (a refused login is an answer too). */
async function answers(driver: ReturnType<DriverFactory>): Promise<boolean> {
  try {
    await driver.verifyConnectivity();
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== "ServiceUnavailable";
  }
}

async function samePath(a: string, b: string): Promise<boolean> {
  const canonical = (p: string) => realpath(p).catch(() => resolve(p));
  return (await canonical(a)) === (await canonical(b));
}
