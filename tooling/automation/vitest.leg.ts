import { defineConfig } from "vitest/config";

// The act runs that need podman and the local images: run by the containers leg
// (tooling/containers/leg.sh image-job) after it built them, not by the integration run.
export default defineConfig({
  test: { include: ["leg/**/*.test.ts"], testTimeout: 900_000, hookTimeout: 900_000 },
});
