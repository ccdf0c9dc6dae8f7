const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export interface DecodedText {
  text: string;
  /** True when the bytes were not valid UTF-8 and were read as Latin-1 instead. */
  fallback: boolean;
}

/**
 * Decodes metadata text. Core metadata is UTF-8 by specification, but old egg-info files in the wild are
 * Latin-1; reading those as Latin-1 keeps the package (every byte is a Latin-1 character) while the caller
 * reports the fallback.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = start === 0 ? bytes : bytes.subarray(start);
  try {
    return { text: strictUtf8.decode(body), fallback: false };
  } catch {
    return { text: latin1.decode(body), fallback: true };
  }
}

/** True when the bytes look like binary data rather than text (a NUL in the first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
