import { gzipSync } from 'node:zlib';

/**
 * Writes ustar archives byte by byte, for layers no honest tool would produce (entries climbing above
 * the root, headers claiming sizes the body does not have). Real tools (GNU tar, umoci, skopeo) make
 * every other test image.
 */
export interface TarItem {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string | Uint8Array;
  linkName?: string;
  /** Size written in the header, when it must differ from the content's (hostile archives). */
  claimedSize?: number;
  mode?: number;
}

export function tarHeader(item: TarItem, size: number): Buffer {
  const h = Buffer.alloc(512);
  const name = Buffer.from(item.name, 'utf8');
  if (name.length > 100) throw new Error(`tar-builder: name longer than 100 bytes: ${item.name}`);
  name.copy(h, 0);
  octal(h, 100, 8, item.mode ?? (item.type === 'dir' ? 0o755 : 0o644));
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  if (size < 8 ** 11) octal(h, 124, 12, size);
  else {
    // GNU base-256 for sizes of 8 GiB and more.
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  octal(h, 136, 12, 0);
  h.write('        ', 148, 'latin1');
  h.write({ file: '0', dir: '5', symlink: '2', hardlink: '1' }[item.type ?? 'file'], 156, 'latin1');
  if (item.linkName) Buffer.from(item.linkName, 'utf8').copy(h, 157);
  h.write('ustar\u0000', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return h;
}

function octal(h: Buffer, offset: number, length: number, value: number): void {
  h.write(value.toString(8).padStart(length - 1, '0') + '\u0000', offset, 'latin1');
}

export function buildTar(items: readonly TarItem[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const content = item.content === undefined ? Buffer.alloc(0) : Buffer.from(item.content);
    parts.push(tarHeader(item, item.claimedSize ?? content.length));
    if (content.length > 0) {
      parts.push(content);
      const rest = content.length % 512;
      if (rest) parts.push(Buffer.alloc(512 - rest));
    }
  }
  if (options.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function buildTarGz(items: readonly TarItem[]): Buffer {
  return gzipSync(buildTar(items));
}
