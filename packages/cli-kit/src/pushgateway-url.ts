import { NbsError } from "@nbs/errors";

/** The Pushgateway's URL without credentials (safe to show), and Basic auth from them. */
export function parsePushgatewayUrl(raw: string): { base: URL; authorization?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    // The value is not echoed: it may hold a password.
    throw new NbsError("SETTING_INVALID", "invalid Pushgateway URL for --pushgateway", {
      hint: "use http(s)://host:9091 (optionally http://user:password@host:9091)",
    });
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = "";
  url.password = "";
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  const credentials = Buffer.from(`${user}:${password}`).toString("base64");
  return user === "" && password === ""
    ? { base: url }
    : { base: url, authorization: `Basic ${credentials}` };
}
