/** Thrown when neither local services nor a container runtime can back the integration tests. */
export class IntegServicesUnavailableError extends Error {
  readonly code = "NBS_INTEG_SERVICES_UNAVAILABLE";
  readonly hint = "run `pnpm services up` (or set NBS_SKIP_INTEG=1 to skip locally)";

  constructor(service: string, options?: { cause?: unknown }) {
    super(
      `integration services unavailable (${service}): run \`pnpm services up\` ` +
        "(or set NBS_SKIP_INTEG=1 to skip locally)",
      options,
    );
    this.name = "IntegServicesUnavailableError";
  }
}

/** True when testcontainers finds a reachable container runtime (Docker, Podman, ...). */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** The service named in the error when no local one was configured (or NBS_TESTENV=containers). */
export function noLocal(service: string): string {
  return process.env["NBS_TESTENV"] === "containers"
    ? `${service} container: NBS_TESTENV=containers and no container runtime answers; run \`pnpm services up podman\` and source .nbs/services.env`
    : service;
}
