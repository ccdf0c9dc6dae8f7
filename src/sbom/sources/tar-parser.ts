import { RaygateError } from '../../shared/errors.ts';

/**
 * A push-based streaming tar reader (ustar, pax and GNU long names), written here instead of using
 * tar-stream because an image scan skips almost every byte of a layer: this parser hands each header to
 * the caller, which either takes the body (bounded) or lets it pass, without a stream or a promise per
 * entry. It never buffers more than one header block plus a pax/long-name record, whatever the entry sizes.
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface TarEntry {
  /** The name as the archive gives it (pax `path` and GNU long names applied), not normalised. */
  name: string;
  type: TarEntryType;
  size: number;
  /** Target of a symlink or hardlink. */
  linkName: string;
  mode: number;
}

export interface TarVisitor {
  /**
   * Called once per entry. Return a byte budget to receive the body through `body` (only its first
   * `budget` bytes are passed on), or 0 to skip it.
   */
  entry(entry: TarEntry): number;
  body?(bytes: Uint8Array): void;
  /** Called after the last body chunk of an entry whose body was taken. */
  entryEnd?(): void;
}

export interface TarParserLimits {
  /** Largest pax extended header or GNU long name record accepted. */
  maxMetaRecordBytes: number;
  maxEntries: number;
}

const BLOCK = 512;
const DEFAULT_LIMITS: TarParserLimits = { maxMetaRecordBytes: 1024 * 1024, maxEntries: 5_000_000 };

type State = 'header' | 'body' | 'padding' | 'meta' | 'done';

export class TarParser {
  private readonly visitor: TarVisitor;
  private readonly limits: TarParserLimits;
  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private state: State = 'header';
  /** Bytes of the current body (or meta record) still to come, then the padding to the block boundary. */
  private remaining = 0;
  private padding = 0;
  private budget = 0;
  private taking = false;
  private zeroBlocks = 0;
  private metaKind: 'pax' | 'gnu-name' | 'gnu-link' | 'global' = 'pax';
  private metaBuffer: Uint8Array = new Uint8Array(0);
  private metaFill = 0;
  private pax: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;
  private entries = 0;
  /** Total bytes consumed, for error messages and stats. */
  offset = 0;

  constructor(visitor: TarVisitor, limits: Partial<TarParserLimits> = {}) {
    this.visitor = visitor;
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** True once the end-of-archive marker (two zero blocks) was read: later bytes are not needed. */
  get done(): boolean {
    return this.state === 'done';
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length && this.state !== 'done') {
      switch (this.state) {
        case 'header': {
          const n = Math.min(BLOCK - this.headerFill, chunk.length - pos);
          this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
          this.headerFill += n;
          pos += n;
          this.offset += n;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            this.onHeader();
          }
          break;
        }
        case 'body': {
          const n = Math.min(this.remaining, chunk.length - pos);
          if (this.taking && this.budget > 0) {
            const give = Math.min(n, this.budget);
            this.visitor.body?.(chunk.subarray(pos, pos + give));
            this.budget -= give;
          }
          pos += n;
          this.offset += n;
          this.remaining -= n;
          if (this.remaining === 0) this.endBody();
          break;
        }
        case 'meta': {
          const n = Math.min(this.remaining, chunk.length - pos);
          this.metaBuffer.set(chunk.subarray(pos, pos + n), this.metaFill);
          this.metaFill += n;
          pos += n;
          this.offset += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.onMetaRecord();
            this.toPadding();
          }
          break;
        }
        case 'padding': {
          const n = Math.min(this.padding, chunk.length - pos);
          pos += n;
          this.offset += n;
          this.padding -= n;
          if (this.padding === 0) this.state = 'header';
          break;
        }
      }
    }
  }

  /** Call when the input ends: throws unless the archive ended cleanly (marker or block boundary). */
  end(): void {
    if (this.state === 'done') return;
    if (this.state === 'header' && this.headerFill === 0) return; // no end marker, but nothing cut off
    throw new RaygateError(
      'SBOM_LAYER_TRUNCATED',
      'input',
      `The layer's tar stream ends in the middle of ${this.state === 'header' ? 'a header' : 'an entry'} (after ${this.offset} bytes).`,
    );
  }

  private onHeader(): void {
    const h = this.header;
    if (isZeroBlock(h)) {
      this.zeroBlocks++;
      if (this.zeroBlocks >= 2) this.state = 'done';
      return;
    }
    this.zeroBlocks = 0;
    if (!checksumMatches(h)) {
      throw new RaygateError(
        'SBOM_LAYER_CORRUPT',
        'input',
        `The layer is not a valid tar archive: bad header checksum at byte ${this.offset - BLOCK}.`,
      );
    }
    const typeflag = String.fromCharCode(h[156]!);
    const size = this.pax.size !== undefined ? parsePaxSize(this.pax.size) : parseNumeric(h, 124, 12);
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > this.limits.maxMetaRecordBytes) {
        throw new RaygateError(
          'SBOM_LAYER_CORRUPT',
          'limit',
          `A tar metadata record of ${size} bytes is larger than the ${this.limits.maxMetaRecordBytes} allowed.`,
        );
      }
      this.metaKind =
        typeflag === 'x' ? 'pax' : typeflag === 'g' ? 'global' : typeflag === 'L' ? 'gnu-name' : 'gnu-link';
      this.metaBuffer = new Uint8Array(size);
      this.metaFill = 0;
      this.remaining = size;
      this.padding = pad(size);
      if (size === 0) {
        this.onMetaRecord();
        this.toPadding();
      } else this.state = 'meta';
      return;
    }

    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw new RaygateError(
        'SBOM_LAYER_TOO_MANY_ENTRIES',
        'limit',
        `The layer has more than ${this.limits.maxEntries} entries.`,
      );
    }
    const entry: TarEntry = {
      name: this.pax.path ?? this.longName ?? ustarName(h),
      type: entryType(typeflag),
      size: typeflag === '1' || typeflag === '2' || typeflag === '5' ? 0 : size,
      linkName: this.pax.linkpath ?? this.longLink ?? cString(h, 157, 100),
      mode: parseNumeric(h, 100, 8),
    };
    // Hardlink, symlink and directory headers may still carry a size, and then a body to step over.
    const bodySize = size;
    this.pax = {};
    this.longName = undefined;
    this.longLink = undefined;
    const budget = this.visitor.entry(entry);
    this.taking = budget > 0;
    this.budget = budget;
    this.remaining = bodySize;
    this.padding = pad(bodySize);
    if (bodySize === 0) this.endBody();
    else this.state = 'body';
  }

  private endBody(): void {
    if (this.taking) this.visitor.entryEnd?.();
    this.taking = false;
    this.toPadding();
  }

  private toPadding(): void {
    this.state = this.padding > 0 ? 'padding' : 'header';
  }

  private onMetaRecord(): void {
    const bytes = this.metaBuffer.subarray(0, this.metaFill);
    this.metaBuffer = new Uint8Array(0);
    if (this.metaKind === 'gnu-name') this.longName = cStringOf(bytes);
    else if (this.metaKind === 'gnu-link') this.longLink = cStringOf(bytes);
    else if (this.metaKind === 'pax') this.pax = parsePax(bytes);
    // Global pax headers (`g`) apply to every later entry; nothing raygate reads is set that way in
    // practice (Docker, BuildKit and umoci never write them), so their records are skipped.
  }
}

const decoder = new TextDecoder('utf-8');

export function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

export function checksumMatches(h: Uint8Array): boolean {
  const stored = parseOctal(h, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 32 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

export function pad(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

export function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

export function cString(h: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && h[end] !== 0) end++;
  return decoder.decode(h.subarray(start, end));
}

export function cStringOf(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decoder.decode(nul === -1 ? bytes : bytes.subarray(0, nul));
}

export function ustarName(h: Uint8Array): string {
  const name = cString(h, 0, 100);
  const isUstar = h[257] === 0x75 && h[258] === 0x73 && h[259] === 0x74 && h[260] === 0x61 && h[261] === 0x72;
  if (!isUstar) return name;
  const prefix = cString(h, 345, 155);
  return prefix ? `${prefix}/${name}` : name;
}

function parseOctal(h: Uint8Array, start: number, length: number): number {
  let value = 0;
  let i = start;
  const end = start + length;
  while (i < end && (h[i] === 0x20 || h[i] === 0)) i++;
  for (; i < end; i++) {
    const c = h[i]!;
    if (c < 0x30 || c > 0x37) break;
    value = value * 8 + (c - 0x30);
  }
  return value;
}

/** Octal, or GNU base-256 when the first byte has its high bit set (sizes of 8 GiB and more). */
export function parseNumeric(h: Uint8Array, start: number, length: number): number {
  if ((h[start]! & 0x80) === 0) return parseOctal(h, start, length);
  if ((h[start]! & 0x40) !== 0) {
    throw new RaygateError('SBOM_LAYER_CORRUPT', 'input', 'A tar header holds a negative number.');
  }
  let value = h[start]! & 0x3f;
  for (let i = start + 1; i < start + length; i++) {
    value = value * 256 + h[i]!;
    if (value > Number.MAX_SAFE_INTEGER) {
      throw new RaygateError('SBOM_LAYER_CORRUPT', 'input', 'A tar header holds a number too large to read.');
    }
  }
  return value;
}

export function parsePaxSize(value: string): number {
  if (!/^\d{1,16}$/.test(value)) {
    throw new RaygateError('SBOM_LAYER_CORRUPT', 'input', `A pax header gives an invalid size '${value}'.`);
  }
  return Number(value);
}

/** Pax records: `<length> <key>=<value>\n`, where length counts the whole record. */
export function parsePax(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < bytes.length) {
    let space = pos;
    while (space < bytes.length && bytes[space] !== 0x20) space++;
    const length = Number(decoder.decode(bytes.subarray(pos, space)));
    if (!Number.isInteger(length) || length <= 0 || pos + length > bytes.length) {
      throw new RaygateError('SBOM_LAYER_CORRUPT', 'input', 'A pax extended header is malformed.');
    }
    const record = decoder.decode(bytes.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}
