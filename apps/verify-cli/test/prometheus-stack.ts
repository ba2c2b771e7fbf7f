import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";

/**
 * Debian's prometheus-node-exporter (textfile collector on `textfileDir` only), prometheus-
 * pushgateway and prometheus, each on a free 127.0.0.1 port, Prometheus scraping both every
 * second with `rules` loaded (tooling/prometheus/install.sh installs them).
 */
export interface PrometheusStack {
  textfileDir: string;
  pushgateway: string;
  prometheus: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

function start(bin: string, args: string[], log: string): ChildProcess {
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (c: Buffer) => writeFileSync(log, c, { flag: "a" }));
  return child;
}

async function ready(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startPrometheusStack(dir: string, rules: string): Promise<PrometheusStack> {
  for (const bin of ["prometheus-node-exporter", "prometheus-pushgateway", "prometheus"])
    if (spawnSync(bin, ["--version"], { stdio: "ignore" }).error)
      throw new Error(`${bin} not found: run tooling/prometheus/install.sh (Debian packages)`);
  const textfileDir = join(dir, "textfile");
  mkdirSync(textfileDir, { recursive: true });
  const [nodePort, pushPort, promPort] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      `rule_files: [${JSON.stringify(rules)}]`,
      "scrape_configs:",
      `  - { job_name: node, static_configs: [{ targets: ["127.0.0.1:${nodePort}"] }] }`,
      `  - { job_name: pushgateway, honor_labels: true, static_configs: [{ targets: ["127.0.0.1:${pushPort}"] }] }`,
      "",
    ].join("\n"),
  );
  const children = [
    start(
      "prometheus-node-exporter",
      [
        `--web.listen-address=127.0.0.1:${nodePort}`,
        "--collector.disable-defaults",
        "--collector.textfile",
        `--collector.textfile.directory=${textfileDir}`,
      ],
      join(dir, "node-exporter.log"),
    ),
    start(
      "prometheus-pushgateway",
      [`--web.listen-address=127.0.0.1:${pushPort}`, `--persistence.file=`],
      join(dir, "pushgateway.log"),
    ),
    start(
      "prometheus",
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      join(dir, "prometheus.log"),
    ),
  ];
  const stack: PrometheusStack = {
    textfileDir,
    pushgateway: `http://127.0.0.1:${pushPort}`,
    prometheus: `http://127.0.0.1:${promPort}`,
    stop: async () => {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const closed = once(child, "close");
          child.kill("SIGTERM");
          await closed;
        }),
      );
    },
  };
  const deadline = Date.now() + 60_000;
  try {
    await ready(`http://127.0.0.1:${nodePort}/metrics`, deadline);
    await ready(`${stack.pushgateway}/-/ready`, deadline);
    await ready(`${stack.prometheus}/-/ready`, deadline);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

export interface FiringAlert {
  labels: Record<string, string>;
  state: string;
}

/** Prometheus's alerts (/api/v1/alerts): pending and firing ones. */
export async function alerts(prometheus: string): Promise<FiringAlert[]> {
  const body = (await (await fetch(`${prometheus}/api/v1/alerts`)).json()) as {
    data: { alerts: FiringAlert[] };
  };
  return body.data.alerts;
}

/** An instant query's result: labels and value of each series. */
export async function query(
  prometheus: string,
  promql: string,
): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const url = `${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const body = (await (await fetch(url)).json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Poll until `check` returns a value (not undefined); fails after `ms` (a hang guard). */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
