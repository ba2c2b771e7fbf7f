import { describe, expect, it } from "vitest";
import { MAX_PARTS, MIB, planMultipartUpload } from "./plan.js";

const GIB = 1024 * MIB;
const TIB = 1024 * GIB;

describe("planMultipartUpload", () => {
  it("sends a file that fits in one part with a single PUT", () => {
    expect(planMultipartUpload(0)).toEqual({ multipart: false, partSize: 16 * MIB, parts: 1 });
    expect(planMultipartUpload(16 * MIB).multipart).toBe(false);
  });

  it("splits larger files into parts of the requested size", () => {
    expect(planMultipartUpload(100 * MIB, 8 * MIB)).toEqual({
      multipart: true,
      partSize: 8 * MIB,
      parts: 13,
    });
  });

  it.each([1 * GIB, 100 * GIB, 1 * TIB, 5 * TIB])("keeps %d bytes within 10,000 parts", (size) => {
    const plan = planMultipartUpload(size, 5 * MIB);
    expect(plan.parts).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize % MIB).toBe(0);
    expect(plan.partSize * plan.parts).toBeGreaterThanOrEqual(size);
  });

  it("refuses sizes S3 cannot store (input error) and part sizes outside S3's limits (usage error)", () => {
    expect(() => planMultipartUpload(5 * TIB + 1)).toThrow(
      expect.objectContaining({ code: "FILE_TOO_LARGE", message: expect.stringMatching(/5 TiB/) }),
    );
    expect(() => planMultipartUpload(10, 1 * MIB)).toThrow(
      expect.objectContaining({
        code: "PART_SIZE_INVALID",
        hint: expect.stringMatching(/5MiB and 5GiB/),
      }),
    );
    expect(() => planMultipartUpload(-1)).toThrow(expect.objectContaining({ category: "INPUT" }));
  });
});
