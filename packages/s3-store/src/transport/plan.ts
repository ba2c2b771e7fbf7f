import { NbsError } from "@nbs/errors";

export const MIB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * 1024 * MIB;
export const MAX_PARTS = 10_000;
const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * MIB;
export const DEFAULT_PART_SIZE = 16 * MIB;

export interface UploadPlan {
  multipart: boolean;
  partSize: number;
  parts: number;
}

/**
 * Choose a part size so the part count stays ≤ 10,000 (S3's limit) for objects up to 5 TiB.
 * Files no larger than one part go up in a single PUT.
 */
export function planMultipartUpload(
  size: number,
  requestedPartSize = DEFAULT_PART_SIZE,
): UploadPlan {
  if (!Number.isSafeInteger(size) || size < 0)
    throw new NbsError("FILE_UNREADABLE", `cannot upload a file of ${size} bytes`, {
      hint: "check the file: its size is not a byte count",
    });
  if (size > MAX_OBJECT_SIZE)
    throw new NbsError(
      "FILE_TOO_LARGE",
      `the file is ${size} bytes, over S3's 5 TiB object limit`,
      {
        hint: "compress it (--compress zstd) or dump a smaller database; one S3 object holds at most 5 TiB",
      },
    );
  if (
    !Number.isSafeInteger(requestedPartSize) ||
    requestedPartSize < MIN_PART_SIZE ||
    requestedPartSize > MAX_PART_SIZE
  ) {
    throw new NbsError(
      "PART_SIZE_INVALID",
      `part size ${requestedPartSize} is outside S3's limits`,
      {
        hint: "use --part-size between 5MiB and 5GiB",
      },
    );
  }
  const floor = Math.ceil(size / MAX_PARTS / MIB) * MIB;
  const partSize = Math.max(requestedPartSize, floor);
  if (size <= partSize) return { multipart: false, partSize, parts: 1 };
  return { multipart: true, partSize, parts: Math.ceil(size / partSize) };
}
