import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeInteg } from "@nbs/testenv";
import { afterAll, expect, it } from "vitest";

// The static check of config/kubernetes (tooling/containers/check.sh, in the test command's
// static checks): strict decoding into the k8s.io/api types, then kubeconform -strict against
// schemas made offline from the Kubernetes OpenAPI spec. The tools build into the cache on
// first use (about a minute cold).
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function run(script: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile("bash", [join(ROOT, script), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** config/kubernetes copied, with jobs/dump.yaml changed by `edit`. */
function brokenCopy(edit: (dump: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "nbs-kube-"));
  scratch.push(dir);
  cpSync(join(ROOT, "config/kubernetes"), dir, { recursive: true });
  const file = join(dir, "jobs/dump.yaml");
  const before = readFileSync(file, "utf8");
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
  return dir;
}

describeInteg("the static check of config/kubernetes", () => {
  it("passes the shipped manifests: every object decodes strictly and validates against its schema", async () => {
    const res = await run("tooling/containers/check.sh", []);
    expect(res.code, res.output).toBe(0);
    expect(res.output).toContain("9 objects decode strictly into the k8s.io/api types");
    expect(res.output).toContain("9 resources found in 6 files - Valid: 9, Invalid: 0");
  });

  it("fails a container without its required name, which strict decoding alone lets through", async () => {
    const dir = brokenCopy((t) =>
      t.replace("        - name: dump\n          image:", "        - image:"),
    );
    const decode = await run("tooling/containers/k8s-check.sh", [join(dir, "jobs/dump.yaml")]);
    expect(decode.code, decode.output).toBe(0);
    const res = await run("tooling/containers/check.sh", [dir]);
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/jobs\/dump\.yaml - Job nbs-dump-\$\{STAMP\} is invalid/);
    expect(res.output).toContain("/spec/template/spec/containers/0': missing property 'name'");
  });

  it("fails a field the schema does not know (kubeconform -strict on its own)", async () => {
    const dir = brokenCopy((t) => t.replace("      containers:", "      containerz:"));
    const res = await run("tooling/containers/kubeconform.sh", [join(dir, "jobs/dump.yaml")]);
    expect(res.code).toBe(1);
    expect(res.output).toContain("additional properties 'containerz' not allowed");
  });
});
