import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The placeholders of config/aws, the same in every file (docs/neo4j/server.md lists them). */
export const PLACEHOLDERS = [
  "bucket",
  "prefix",
  "account-id",
  "region",
  "kms-key-arn",
  "github-org",
  "github-repo",
] as const;

type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

/** The repository's config/aws directory. */
export const CONFIG_AWS_DIR = fileURLToPath(new URL("../../../config/aws/", import.meta.url));

/** Every `<name>` in a text, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/<([a-z][a-z-]*)>/g)].map((m) => m[1]!);
}

/**
 * A config/aws file with its placeholders replaced. Every placeholder left in the result is an
 * error, so a file that gains a new placeholder cannot be rendered half-filled.
 */
export function renderTemplate(text: string, values: PlaceholderValues): string {
  const rendered = text.replace(/<([a-z][a-z-]*)>/g, (whole, name: string) => {
    const value = values[name as Placeholder];
    return value === undefined ? whole : value;
  });
  const left = placeholdersIn(rendered);
  if (left.length > 0) {
    throw new Error(`placeholders left unfilled: ${[...new Set(left)].join(", ")}`);
  }
  return rendered;
}

/** Read config/aws/<name> and render it. */
export function renderConfigFile(name: string, values: PlaceholderValues): unknown {
  return JSON.parse(renderTemplate(readFileSync(CONFIG_AWS_DIR + name, "utf8"), values));
}
