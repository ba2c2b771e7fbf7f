import type { RunOptions } from "./runner.js";

/**
 * A child's environment: the runner's base, the command's variables on top, and the command's
 * `jvmFlags` prepended to `JDK_JAVA_OPTIONS`. The java launcher places `JDK_JAVA_OPTIONS` before
 * its command-line options, and for a JVM flag the last one given wins: every flag set
 * elsewhere (JAVA_OPTS, neo4j.conf's `server.jvm.additional`, a `JDK_JAVA_OPTIONS` of the
 * caller's own, kept after these) overrides them; only `JAVA_TOOL_OPTIONS`, which the JVM reads
 * before the command line, is overridden by them. None is dropped. One flag only (C1): a
 * compiler-thread count beside an operator's `-XX:TieredStopAtLevel=4` would stop the JVM.
 */
export function childEnv(
  base: Readonly<Record<string, string | undefined>>,
  options: Pick<RunOptions, "env" | "jvmFlags">,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base, ...options.env };
  if (options.jvmFlags && options.jvmFlags.length > 0)
    env["JDK_JAVA_OPTIONS"] = [...options.jvmFlags, env["JDK_JAVA_OPTIONS"] ?? ""].join(" ").trim();
  return env;
}
