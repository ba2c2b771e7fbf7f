// Kubernetes' OpenAPI v2 spec (api/openapi-spec/swagger.json of the k8s.io/kubernetes module)
// -> kubeconform's schema layout, offline, strict: one standalone JSON schema per kind,
// <kind>-<group>-<version>.json (lower case; the core group has no <group>), holding only the
// definitions it reaches. What `openapi2jsonschema --kubernetes --strict --stand-alone` does:
//   - every object with properties refuses unknown ones (additionalProperties: false),
//   - IntOrString is a string or an integer, Quantity a string or a number,
//   - apiVersion and kind accept exactly the file's group/version and kind.
//   node k8s-schemas.mjs <swagger.json> <out dir>     (tooling/containers/kubeconform.sh)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [specFile, outDir] = process.argv.slice(2);
if (!specFile || !outDir) {
  console.error("usage: node k8s-schemas.mjs <swagger.json> <out dir>");
  process.exit(2);
}
const { definitions } = JSON.parse(readFileSync(specFile, "utf8"));
const SPECIAL = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
    oneOf: [{ type: "string" }, { type: "integer" }],
  },
  "io.k8s.apimachinery.pkg.api.resource.Quantity": {
    oneOf: [{ type: "string" }, { type: "number" }],
  },
};

/** A copy of a schema node made strict; its $refs point into the file's own definitions. */
function strict(node) {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties")
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
    else out[key] = strict(value);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** The names of the definitions `name` reaches through $ref, itself included. */
function reached(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object")
      for (const [key, value] of Object.entries(node))
        if (key === "$ref" && typeof value === "string")
          reached(value.replace("#/definitions/", ""), seen);
        else walk(value);
  };
  walk(SPECIAL[name] ?? definitions[name]);
  return seen;
}

mkdirSync(outDir, { recursive: true });
let written = 0;
for (const [name, definition] of Object.entries(definitions)) {
  for (const gvk of definition["x-kubernetes-group-version-kind"] ?? []) {
    const group = gvk.group ? `${gvk.group.split(".")[0]}-` : "";
    const file = `${gvk.kind}-${group}${gvk.version}.json`.toLowerCase();
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    const schema = strict(definition);
    if (schema.properties?.apiVersion) schema.properties.apiVersion.enum = [apiVersion];
    if (schema.properties?.kind) schema.properties.kind.enum = [gvk.kind];
    const defs = {};
    for (const dep of reached(name)) defs[dep] = SPECIAL[dep] ?? strict(definitions[dep]);
    writeFileSync(
      join(outDir, file),
      JSON.stringify({
        $schema: "http://json-schema.org/draft-07/schema#",
        ...schema,
        definitions: defs,
      }),
    );
    written++;
  }
}
console.log(`${written} schemas in ${outDir}`);
