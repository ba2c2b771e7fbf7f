import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** V8's `gc()` with the options its extension takes (type, execution, flavor). */
type V8GcFunction = (options: {
  type: "major" | "minor";
  execution: "sync";
  flavor?: "last-resort";
}) => void;

/**
 * V8's collector without `node --expose-gc` on every entry point: the flag is turned on just long
 * enough for a fresh vm context to receive `gc` (the program's own global scope never gets one),
 * then off again. When Node already runs with --expose-gc, that `gc` is used and no flag touched.
 * Main thread only: the flag is process-wide for that moment.
 */
export function v8Gc(): V8GcFunction | undefined {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === "function") return existing as V8GcFunction;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as V8GcFunction;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
