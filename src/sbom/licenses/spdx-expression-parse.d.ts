// spdx-expression-parse ships no types; this declares the part raygate uses.
declare module 'spdx-expression-parse' {
  /** Parses an SPDX license expression; throws on anything that is not one. */
  function parse(source: string): unknown;
  export = parse;
}
