// Test doubles and fixtures shared by the unit tests of every package: `@nbs/testenv/doubles`.
export { tempDir } from "./temp-dir.ts";
export { runMain, type MainRun } from "./run-main.ts";
export {
  fakeDriver,
  type FakeDriver,
  type FakeDriverOptions,
  type Query,
  type Row,
} from "./driver.ts";
export { fakeNeo4jInstall, type FakeInstallOptions } from "./neo4j-install.ts";
export {
  DUMP,
  backupMeta,
  localBackup,
  sha256,
  tempDumpFile,
  type LocalBackupOptions,
} from "./local-backup.ts";
export { fakeOperatorServer, type FakeServer, type FakeServerOptions } from "./operator-server.ts";
