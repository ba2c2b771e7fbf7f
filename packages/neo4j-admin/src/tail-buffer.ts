/** Keeps the last `limit` bytes written to it. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    let first = this.chunks[0];
    while (
      first !== undefined &&
      this.chunks.length > 1 &&
      this.size - first.length >= this.limit
    ) {
      this.chunks.shift();
      this.size -= first.length;
      first = this.chunks[0];
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString("utf8");
  }
}
