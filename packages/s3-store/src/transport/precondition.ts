import { isPreconditionFailed } from "./errors.js";

/**
 * The one recovery of a 412 of the package. Every write carries `If-None-Match: *`, so a 412
 * means the key exists: our own write whose first response was lost (the SDK retried it), or
 * another writer that got there first. `identify` looks at what is in place and returns the
 * result when it is the same content, else undefined; then, like for any error other than a
 * 412, what `otherwise` returns is thrown. Whether the object in place is this run's own is
 * never knowable from a 412, so callers record it as not written by them.
 */
export async function recoverPreconditionFailed<T>(
  error: unknown,
  identify: () => Promise<T | undefined>,
  otherwise: () => unknown,
): Promise<T> {
  if (!isPreconditionFailed(error)) throw otherwise();
  const found = await identify();
  if (found === undefined) throw otherwise();
  return found;
}
