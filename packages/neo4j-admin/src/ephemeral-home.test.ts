import { lstat, mkdir, readFile, readlink, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EPHEMERAL_MARKER, assertEphemeralHome } from "./ephemeral-home.js";
import { renderEphemeralConf } from "./ephemeral-conf.js";
import { createEphemeralHome } from "./ephemeral-home.js";
import { fakeInstall, tempDir } from "../test/fakes.js";

const newHome = async () => {
  const installDir = fakeInstall();
  const tmpRoot = tempDir("nbs-eph-root-");
  const made = await createEphemeralHome({
    installDir,
    tmpRoot,
    family: "5",
    boltPort: 7001,
    httpPort: 7002,
    database: "neo4j",
  });
  return { installDir, ...made };
};

describe("createEphemeralHome", () => {
  it("builds a private home: own conf and data, bin copied, lib linked, marker written", async () => {
    const { installDir, home, token } = await newHome();
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    expect((await readFile(join(home, EPHEMERAL_MARKER), "utf8")).trim()).toBe(token);
    expect((await lstat(join(home, "bin", "neo4j-admin"))).isFile()).toBe(true);
    expect(await readlink(join(home, "lib"))).toBe(join(installDir, "lib"));
    const conf = await readFile(join(home, "conf", "neo4j.conf"), "utf8");
    expect(conf).toContain(`server.directories.data=${join(home, "data")}`);
    expect(conf).toContain("server.bolt.listen_address=127.0.0.1:7001");
  });
});

describe("assertEphemeralHome", () => {
  it("accepts its own home", async () => {
    const { home, token } = await newHome();
    await expect(assertEphemeralHome(home, token)).resolves.toBeUndefined();
  });

  it("refuses a directory without the marker, such as an operator's installation", async () => {
    const { installDir } = await newHome();
    await expect(assertEphemeralHome(installDir, "anything")).rejects.toMatchObject({
      code: "NOT_EPHEMERAL_HOME",
    });
  });

  it("refuses a home whose marker holds another token", async () => {
    const { home } = await newHome();
    await expect(assertEphemeralHome(home, "0123")).rejects.toMatchObject({
      code: "NOT_EPHEMERAL_HOME",
      message: expect.stringContaining("not created by this instance"),
    });
  });

  it("refuses a home whose conf was pointed at another data directory", async () => {
    const { home, token } = await newHome();
    await writeFile(
      join(home, "conf", "neo4j.conf"),
      "server.directories.data=/var/lib/neo4j/data\n",
    );
    await expect(assertEphemeralHome(home, token)).rejects.toMatchObject({
      code: "NOT_EPHEMERAL_HOME",
      message: expect.stringContaining("data outside the home"),
    });
  });

  it("refuses a marker that is a symlink or directory", async () => {
    const foreign = tempDir("nbs-foreign-");
    await mkdir(join(foreign, EPHEMERAL_MARKER));
    await expect(assertEphemeralHome(foreign, "x")).rejects.toMatchObject({
      code: "NOT_EPHEMERAL_HOME",
    });
  });
});

describe("renderEphemeralConf", () => {
  const input = { home: "/tmp/h", boltPort: 1, httpPort: 2, database: "movies" };
  it("uses server.* settings for 5.x and later", () => {
    const conf = renderEphemeralConf("5", input);
    expect(conf).toContain("server.default_listen_address=127.0.0.1");
    expect(conf).toContain("initial.dbms.default_database=movies");
    expect(conf).toContain("server.https.enabled=false");
  });
  it("starts no HTTP server, preallocates no transaction log and reports no usage (Bolt is all a throwaway instance serves)", () => {
    const five = renderEphemeralConf("5", input);
    expect(five).toContain("server.http.enabled=false");
    expect(five).toContain("db.tx_log.preallocate=false");
    expect(five).toContain("dbms.usage_report.enabled=false");
    const four = renderEphemeralConf("4", input);
    expect(four).toContain("dbms.connector.http.enabled=false");
    expect(four).toContain("dbms.tx_log.preallocate=false");
    expect(four).not.toContain("usage_report");
  });
  it("uses dbms.* settings for 4.x", () => {
    const conf = renderEphemeralConf("4", input);
    expect(conf).toContain("dbms.connector.bolt.listen_address=127.0.0.1:1");
    expect(conf).toContain("dbms.default_database=movies");
    expect(conf).toContain("dbms.directories.data=/tmp/h/data");
    expect(conf).not.toContain("server.");
  });
});
