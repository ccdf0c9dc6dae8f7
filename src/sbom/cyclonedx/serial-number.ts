import { createHash, randomUUID } from 'node:crypto';
import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import { canonicalJson } from './serialize.ts';

/**
 * The namespace UUID of raygate's content-derived BOM serial numbers (RFC 4122 §4.3: a name-based UUID
 * needs one). Chosen once for raygate; changing it would change every reproducible serial number.
 */
export const BOM_SERIAL_NAMESPACE = '3c0b6a53-0d2f-4e0c-9a54-2f8e0d7a6b41';

export function randomSerialNumber(): string {
  return `urn:uuid:${randomUUID()}`;
}

/**
 * Sets a serial number derived from the BOM's content: a UUID version 5 (SHA-1, RFC 4122 §4.3) in
 * raygate's namespace over the compact JSON of the BOM without a serial number. The same scan gives the
 * same serial in JSON and in XML; any change to the content gives another.
 */
export function assignContentSerialNumber(bom: Models.Bom): string {
  bom.serialNumber = undefined;
  const serial = `urn:uuid:${uuidV5(BOM_SERIAL_NAMESPACE, canonicalJson(bom))}`;
  bom.serialNumber = serial;
  return serial;
}

export function uuidV5(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
