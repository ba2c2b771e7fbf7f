import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeActRuns, runAct } from "../src/act.ts";
import { baseEnv, run } from "../src/run.ts";

// The `image` job of .github/workflows/ci.yml under act (host mode), in the containers leg
// (tooling/containers/leg.sh image-job): podman and the local images are there, and the nbs
// image of this checkout was just built, so the job's build finds it cached. The repository
// variable NBS_IMAGE_BASE names the local mmdebstrap base instead of Debian's published image
// (no registry here). Nothing is pushed: on a branch the push step is skipped; on a tag it runs
// and stops at `podman login`, which has no token under act.
const CI = ".github/workflows/ci.yml";
const SKIP = "Skipping step 'Push to GHCR' due to 'startsWith(github.ref, 'refs/tags/v')'";
let base = "";

beforeAll(async () => {
  for (const name of ["DOCKER_HOST", "CONTAINERS_CONF"])
    expect(
      process.env[name],
      `${name}: source .nbs/services.env after services up podman`,
    ).toBeTruthy();
  const images = await run("bash", ["tooling/containers/images.sh", "nbs"], {
    ...baseEnv(),
    CONTAINERS_CONF: process.env["CONTAINERS_CONF"]!,
  });
  expect(images.code, images.stderr).toBe(0);
  expect(images.stderr).toMatch(/nbs: cached \(localhost\/nbs\/nbs:[0-9a-f]{16}\)/);
  const listed = await run("podman", ["images", "--format", "{{.Repository}}:{{.Tag}}"], {
    ...baseEnv(),
    CONTAINERS_CONF: process.env["CONTAINERS_CONF"]!,
  });
  base =
    listed.stdout.split("\n").find((l) => l.startsWith("localhost/nbs/debian:bookworm-")) ?? "";
  expect(base, listed.stdout).not.toBe("");
}, 900_000);

afterAll(() => removeActRuns());

function imageJob(ref: string) {
  return runAct({
    workflow: CI,
    event: "push",
    job: "image",
    payload: { ref },
    vars: { NBS_IMAGE_BASE: base },
    env: { CONTAINERS_CONF: process.env["CONTAINERS_CONF"]! },
    verbose: true, // act names a skipped step only in its debug lines
  });
}

describe("ci.yml's image job under act", () => {
  it("on a branch: builds the nbs image (the cached one), runs nbs-upload in it, skips the GHCR push", async () => {
    const act = await imageJob("refs/heads/main");
    expect(act.code, act.stdout.slice(-6000)).toBe(0);
    expect(act.stdout).toMatch(/nbs images: nbs: cached \(localhost\/nbs\/nbs:[0-9a-f]{16}\)/);
    expect(act.stdout).toMatch(
      /Success - Main podman run --rm localhost\/nbs\/nbs:latest nbs-upload --version/,
    );
    expect(act.stdout).toContain(SKIP);
    expect(act.stdout).not.toContain("Run Main Push to GHCR");
    expect(act.stdout).toContain("Job succeeded");
  });

  it("on a v* tag: the push step runs (and stops at the login: act gives no token)", async () => {
    const act = await imageJob("refs/tags/v9.9.9");
    expect(act.stdout).not.toContain(SKIP);
    expect(act.stdout).toContain("Run Main Push to GHCR");
    expect(act.stdout).toContain("Failure - Main Push to GHCR");
    // podman login refuses the empty token before any connection; nothing reaches a push
    expect(act.stdout).toContain("Error: getting username and password");
    expect(act.stdout).not.toMatch(/Copying blob|Writing manifest/);
    expect(act.code).not.toBe(0);
  });
});
