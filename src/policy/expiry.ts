/**
 * The first instant an expiry written as `YYYY-MM-DD` (through the end of that day, UTC) or as an ISO 8601
 * timestamp no longer applies; undefined when the text is neither. The same reading as
 * `.raygate-ignore.yaml` (advisories/ignore.ts).
 */
export function parseExpiry(value: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== value) return undefined;
    return new Date(start + 24 * 3600 * 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
