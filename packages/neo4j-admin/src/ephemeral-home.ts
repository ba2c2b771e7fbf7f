import { randomBytes } from "node:crypto";
import {
  chmod,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join, resolve } from "node:path";
import { NbsError } from "@nbs/errors";
import { renderEphemeralConf } from "./ephemeral-conf.js";
import type { EphemeralConfInput } from "./ephemeral-conf.js";
import type { CommandFamily } from "./version.js";

/** File created in every ephemeral home; holds a random token only its creator knows. */
export const EPHEMERAL_MARKER = ".nbs-ephemeral-home";

export interface EphemeralHome {
  home: string;
  token: string;
}

export interface CreateEphemeralHomeInput extends Omit<EphemeralConfInput, "home"> {
  installDir: string;
  family: CommandFamily;
  /** Parent for the temporary directory. */
  tmpRoot: string;
}

/**
 * A fresh home (mode 0700) in a new temp directory: bin/ copied and lib/ linked from the
 * installation, its own conf/, data/, logs/, run/ — nothing shared with the operator's instance.
 */
export async function createEphemeralHome(input: CreateEphemeralHomeInput): Promise<EphemeralHome> {
  const home = await realpath(await mkdtemp(join(resolve(input.tmpRoot), "nbs-neo4j-")));
  await chmod(home, 0o700);
  const token = randomBytes(16).toString("hex");
  await writeFile(join(home, EPHEMERAL_MARKER), `${token}\n`, { mode: 0o600, flag: "wx" });

  const installDir = await realpath(input.installDir);
  await cp(join(installDir, "bin"), join(home, "bin"), { recursive: true });
  await symlink(await realpath(join(installDir, "lib")), join(home, "lib"), "dir");
  for (const dir of ["conf", "data", "logs", "run", "import", "plugins", "load", "reports"]) {
    await mkdir(join(home, dir), { mode: 0o700 });
  }
  const conf = renderEphemeralConf(input.family, { ...input, home });
  await writeFile(join(home, "conf", "neo4j.conf"), conf, { mode: 0o600 });
  return { home, token };
}

/**
 * Refuse destructive work anywhere but an ephemeral home this process created: the marker must
 * be a regular file holding `token`, and the home's neo4j.conf must keep its data inside the home.
 */
export async function assertEphemeralHome(home: string, token: string): Promise<void> {
  const refuse = (why: string): NbsError =>
    new NbsError("NOT_EPHEMERAL_HOME", `refusing to modify ${home}: ${why}`, {
      hint: "loads and deletions only ever target an ephemeral home created by createEphemeralInstance",
    });
  const marker = join(home, EPHEMERAL_MARKER);
  const stat = await lstat(marker).catch(() => undefined);
  if (!stat?.isFile()) throw refuse("it is not an nbs ephemeral home (no marker file)");
  const content = (await readFile(marker, "utf8")).trim();
  if (token.length === 0 || content !== token)
    throw refuse("its marker was not created by this instance");

  const conf = await readFile(join(home, "conf", "neo4j.conf"), "utf8").catch(() => "");
  const dataDir = /^\w+\.directories\.data=(.*)$/m.exec(conf)?.[1]?.trim();
  if (dataDir !== join(home, "data")) throw refuse("its neo4j.conf keeps data outside the home");
}
