import { answers, resolveVars } from "./services-env.ts";
import { IntegServicesUnavailableError } from "./unavailable.ts";

/** One toxic as toxiproxy's API takes it (https://github.com/Shopify/toxiproxy#toxics). */
export interface Toxic {
  name: string;
  type: "latency" | "bandwidth" | "slow_close" | "timeout" | "reset_peer" | "slicer" | "limit_data";
  /** toxiproxy's default is downstream (server → client); faults on what nbs sends need upstream. */
  stream: "upstream" | "downstream";
  toxicity?: number;
  attributes: Record<string, number>;
}

/** A TCP proxy on 127.0.0.1 in front of one upstream, with faults switched on and off at will. */
export interface ToxiProxy {
  name: string;
  /** `127.0.0.1:<port>` where clients connect. */
  listen: string;
  port: number;
  addToxic(toxic: Toxic): Promise<void>;
  removeToxic(name: string): Promise<void>;
  /** Disabled: the listener is closed and every open connection is cut. */
  setEnabled(enabled: boolean): Promise<void>;
  remove(): Promise<void>;
}

export interface ToxiproxyServer {
  api: string;
  /** A new proxy to `upstream` (`127.0.0.1:<port>`) on a free port of 127.0.0.1. */
  createProxy(name: string, upstream: string): Promise<ToxiProxy>;
}

let pending: Promise<ToxiproxyServer> | undefined;

/**
 * The toxiproxy server started by `pnpm services up` (NBS_TOXIPROXY_API, from the environment or
 * `.nbs/services.env`). Throws {@link IntegServicesUnavailableError} when it does not answer.
 */
export function getToxiproxy(): Promise<ToxiproxyServer> {
  pending ??= (async () => {
    const api = resolveVars(["NBS_TOXIPROXY_API"])?.["NBS_TOXIPROXY_API"];
    if (api === undefined || !(await answers(`${api}/version`))) {
      throw new IntegServicesUnavailableError(
        api === undefined ? "toxiproxy" : `toxiproxy at ${api} does not answer`,
      );
    }
    return { api, createProxy: (name, upstream) => createProxy(api, name, upstream) };
  })();
  return pending;
}

async function call(api: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${api}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${text}`);
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

async function createProxy(api: string, name: string, upstream: string): Promise<ToxiProxy> {
  // A leftover of an interrupted run would hold the name.
  await call(api, "DELETE", `/proxies/${name}`).catch(() => undefined);
  const created = (await call(api, "POST", "/proxies", {
    name,
    listen: "127.0.0.1:0",
    upstream,
    enabled: true,
  })) as { listen: string };
  const port = Number(created.listen.split(":").pop());
  return {
    name,
    listen: created.listen,
    port,
    addToxic: async (toxic) => {
      await call(api, "POST", `/proxies/${name}/toxics`, { toxicity: 1, ...toxic });
    },
    removeToxic: async (toxic) => {
      await call(api, "DELETE", `/proxies/${name}/toxics/${toxic}`);
    },
    setEnabled: async (enabled) => {
      await call(api, "POST", `/proxies/${name}`, { enabled });
    },
    remove: async () => {
      await call(api, "DELETE", `/proxies/${name}`);
    },
  };
}
