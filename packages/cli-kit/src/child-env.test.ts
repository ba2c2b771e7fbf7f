import { describe, expect, it } from "vitest";
import { withoutCredentials } from "./index.js";

describe("withoutCredentials", () => {
  it("keeps what Neo4j needs and drops every credential a backup or restore run holds", () => {
    const kept = {
      PATH: "/usr/bin",
      HOME: "/home/neo4j",
      JAVA_HOME: "/opt/java",
      NEO4J_HOME: "/opt/neo4j",
      NEO4J_CONF: "/etc/neo4j",
      NEO4J_SHUTDOWN_TIMEOUT: "300",
      NEO4J_URI: "bolt://127.0.0.1:7687",
      JAVA_OPTS: "-Xmx1g",
      LANG: "C.UTF-8",
    };
    const dropped = {
      AWS_ACCESS_KEY_ID: "AKIA…",
      AWS_SECRET_ACCESS_KEY: "s3cr3t",
      AWS_SESSION_TOKEN: "session",
      AWS_SECURITY_TOKEN: "session",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/run/token",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "token",
      AWS_PROFILE: "backup",
      BACKUP_AWS_SECRET_ACCESS_KEY: "s3cr3t",
      NEO4J_PASSWORD: "pw",
      NEO4J_AUTH: "none",
      NBS_NOTIFY_WEBHOOK: "https://hooks.example/T0/B0/x",
      NBS_PUSHGATEWAY_URL: "https://nbs:pw@pushgateway.example:9091",
      MINIO_ROOT_PASSWORD: "pw",
      MINIO_KMS_SECRET_KEY: "key",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc",
      ACTIONS_RUNTIME_TOKEN: "runtime",
      GITHUB_TOKEN: "ghs_x",
    };
    expect(withoutCredentials({ ...kept, ...dropped, UNSET: undefined })).toEqual({
      ...kept,
      UNSET: undefined,
    });
  });
});
