import { open } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Writes zip archives for tests, including the hostile shapes real zip tools refuse to make: names that
 * climb out of the archive, sizes that lie, and huge stored entries written as a sparse hole (a 500 MB
 * zip that takes no disk space). Supports the plain (non-zip64) format, entries under 4 GiB.
 */
export type ZipEntry =
  | { name: string; data: Buffer | string; method?: 'store' | 'deflate'; declaredSize?: number }
  /** A stored entry of `size` zero bytes that is never written: the file gets a hole there. */
  | { name: string; sparseZeros: number };

export async function writeZip(file: string, entries: readonly ZipEntry[]): Promise<void> {
  const handle = await open(file, 'w');
  try {
    let offset = 0;
    const central: Buffer[] = [];
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      let method = 0;
      let crc = 0;
      let compressed: Buffer | undefined;
      let compressedSize: number;
      let size: number;
      if ('sparseZeros' in entry) {
        size = compressedSize = entry.sparseZeros;
      } else {
        const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
        crc = crc32(data);
        method = entry.method === 'deflate' ? 8 : 0;
        compressed = method === 8 ? deflateRawSync(data) : data;
        compressedSize = compressed.length;
        size = entry.declaredSize ?? data.length;
      }
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(compressedSize, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      await handle.write(Buffer.concat([local, name]), 0, local.length + name.length, offset);
      const headerOffset = offset;
      offset += local.length + name.length;
      if (compressed) await handle.write(compressed, 0, compressed.length, offset);
      offset += compressedSize;

      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(20, 4);
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(0x0800, 8);
      cd.writeUInt16LE(method, 10);
      cd.writeUInt32LE(crc >>> 0, 16);
      cd.writeUInt32LE(compressedSize, 20);
      cd.writeUInt32LE(size, 24);
      cd.writeUInt16LE(name.length, 28);
      cd.writeUInt32LE(headerOffset, 42);
      central.push(cd, name);
    }
    const cdBytes = Buffer.concat(central);
    await handle.write(cdBytes, 0, cdBytes.length, offset);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(entries.length, 8);
    eocd.writeUInt16LE(entries.length, 10);
    eocd.writeUInt32LE(cdBytes.length, 12);
    eocd.writeUInt32LE(offset, 16);
    await handle.write(eocd, 0, eocd.length, offset + cdBytes.length);
  } finally {
    await handle.close();
  }
}
