import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sha256Accumulator, sha256File, sha256HexToBase64 } from "@nbs/checksum";

const dir = await mkdtemp(join(tmpdir(), "nbs-checksum-example-"));
const file = join(dir, "neo4j-20261124T101500Z.dump");
await writeFile(file, "hello, dump");

// a whole file, streamed: hex for .meta.json, base64 for S3's x-amz-checksum-sha256
const { hex, size } = await sha256File(file);
console.log(size, hex);
console.log(sha256HexToBase64(hex));

// inline: hash exactly the bytes you send, in one pass
const acc = new Sha256Accumulator();
for (const part of ["hello, ", "dump"]) acc.update(Buffer.from(part)); // ...and send(part)
console.log(acc.digest().hex === hex);

await rm(dir, { recursive: true });
