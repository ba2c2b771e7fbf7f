import { describe, expect, it } from "vitest";
import { resolveRestoreSetSettings } from "./settings.js";
import { resolveRestoreSettings } from "../restore/settings.js";

const NEO4J = {
  NEO4J_HOME: "/opt/neo4j",
  NEO4J_URI: "bolt://127.0.0.1:7687",
  NEO4J_PASSWORD: "pw",
};

describe("restore and restore-set settings: --neo4j-service, the Bolt URI, --dry-run", () => {
  it("both take NEO4J_SERVICE and refuse a name systemctl would not take", () => {
    const restore = { ...NEO4J, NBS_FILE: "/tmp/x.dump" };
    expect(
      resolveRestoreSettings({}, { ...restore, NEO4J_SERVICE: "neo4j" }, {}).settings,
    ).toMatchObject({ neo4jService: "neo4j" });
    expect(() => resolveRestoreSettings({ neo4jService: "-x" }, restore, {})).toThrow(
      expect.objectContaining({ code: "NEO4J_SERVICE_INVALID" }),
    );
    const set = { ...NEO4J, NBS_SET_FILE: "/tmp/sets/x.json" };
    expect(() => resolveRestoreSetSettings({ force: true, neo4jService: "a b" }, set, {})).toThrow(
      expect.objectContaining({ code: "NEO4J_SERVICE_INVALID" }),
    );
  });

  it("restore-set needs the Bolt URI and NEO4J_PASSWORD (the same-server proof), and --force unless --dry-run", () => {
    const set = { ...NEO4J, NBS_SET_FILE: "/tmp/sets/x.json" };
    const noUri = { ...set, NEO4J_URI: "" };
    expect(() => resolveRestoreSetSettings({ force: true }, noUri, {})).toThrow(
      expect.objectContaining({ code: "RESTORE_NEO4J_REQUIRED" }),
    );
    expect(() =>
      resolveRestoreSetSettings({ force: true }, { ...set, NEO4J_PASSWORD: "" }, {}),
    ).toThrow(expect.objectContaining({ code: "RESTORE_NEO4J_REQUIRED" }));
    expect(() => resolveRestoreSetSettings({}, set, {})).toThrow(
      expect.objectContaining({ code: "RESTORE_TARGET_NOT_EMPTY" }),
    );
    expect(resolveRestoreSetSettings({ dryRun: true }, set, {}).settings).toMatchObject({
      dryRun: true,
      force: false,
    });
  });
});
