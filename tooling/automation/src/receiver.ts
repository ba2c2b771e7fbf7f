import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface WebhookReceiver {
  url: string;
  /** Every JSON body POSTed, in order. */
  received: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * A local stand-in for a Slack-style incoming webhook on 127.0.0.1; answers `status`. The
 * path carries a random part, like a real webhook URL, so tests can check it never leaks.
 */
export async function startWebhookReceiver(status = 200): Promise<WebhookReceiver> {
  const received: Array<Record<string, unknown>> = [];
  const secretPath = `/hooks/${crypto.randomUUID()}`;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.method === "POST" && req.url === secretPath) {
        received.push(JSON.parse(body) as Record<string, unknown>);
      }
      res.writeHead(req.url === secretPath ? status : 404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${secretPath}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
