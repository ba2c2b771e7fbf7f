import type { FileHandle } from "node:fs/promises";
import { NbsError } from "@nbs/errors";

/** Fill `buffer[0, length)` from `position`; a short file means it changed under us. */
export async function readExactly(
  fh: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh
      .read(buffer, done, length - done, position + done)
      .catch((error: NodeJS.ErrnoException) => {
        throw new NbsError(
          "FILE_UNREADABLE",
          `reading the dump failed: ${error.code ?? error.message}`,
          {
            hint: "check the disk holding the dump; nothing was committed",
            cause: error,
          },
        );
      });
    if (bytesRead === 0) {
      throw new NbsError(
        "FILE_CHANGED",
        `the file shrank while it was being read (at byte ${position + done})`,
        {
          hint: "do not modify a dump while it is being uploaded; re-run when it is complete",
        },
      );
    }
    done += bytesRead;
  }
}

/** After the last part: the file must not have grown either. */
export async function assertEndOfFile(fh: FileHandle, size: number): Promise<void> {
  const probe = Buffer.allocUnsafe(1);
  const { bytesRead } = await fh.read(probe, 0, 1, size);
  if (bytesRead !== 0) {
    throw new NbsError("FILE_CHANGED", "the file grew while it was being uploaded", {
      hint: "do not modify a dump while it is being uploaded; re-run when it is complete",
    });
  }
}

/** What identifies a file's content without reading it: a change to any means it was written. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export async function fileVersion(fh: FileHandle): Promise<FileVersion> {
  const { size, mtimeMs, ctimeMs } = await fh.stat();
  return { size, mtimeMs, ctimeMs };
}

/**
 * After the last byte was read and before anything is completed or committed: a dump written to
 * while it was read (even in place, same size) would be a torn mix of before and after.
 */
export async function assertUnchanged(fh: FileHandle, before: FileVersion): Promise<void> {
  const now = await fileVersion(fh);
  if (
    now.size !== before.size ||
    now.mtimeMs !== before.mtimeMs ||
    now.ctimeMs !== before.ctimeMs
  ) {
    throw new NbsError(
      "FILE_CHANGED",
      "the file changed while it was being uploaded; nothing was committed",
      {
        hint: "do not modify a dump while it is being uploaded; re-run when it is complete",
      },
    );
  }
}
