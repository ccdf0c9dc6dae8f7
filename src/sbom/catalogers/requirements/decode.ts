import { decodeText, looksBinary } from '../../../shared/text.ts';

export type DecodedRequirements =
  { kind: 'text'; text: string; /** Not UTF-8: read as Latin-1. */ latin1: boolean } | { kind: 'binary' };

const SAMPLE = 8192;

/**
 * Reads a requirements file the way pip's `auto_decode` does for the encodings that occur in practice:
 * a UTF-16 byte-order mark, else UTF-8 (with or without BOM); bytes that are not UTF-8 are read as Latin-1
 * and the caller says so. Binary data (a NUL, or control characters no text file has) is refused.
 */
export function decodeRequirementsText(bytes: Uint8Array): DecodedRequirements {
  if (bytes[0] === 0xff && bytes[1] === 0xfe && !(bytes[2] === 0 && bytes[3] === 0)) {
    return { kind: 'text', text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), latin1: false };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { kind: 'text', text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), latin1: false };
  }
  if (looksBinary(bytes) || hasControlCharacters(bytes)) return { kind: 'binary' };
  const { text, fallback } = decodeText(bytes);
  return { kind: 'text', text, latin1: fallback };
}

/** More than 1% of the first 8 KiB are C0 controls other than tab, line breaks, form feed and escape. */
function hasControlCharacters(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SAMPLE);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b) || b === 0x7f) controls++;
  }
  return controls > 8 && controls * 100 > n;
}
