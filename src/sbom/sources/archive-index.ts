import type { FileHandle } from 'node:fs/promises';
import { RaygateError } from '../../shared/errors.ts';
import { normaliseEntryName } from './layer-contents.ts';
import {
  checksumMatches,
  cString,
  cStringOf,
  entryType,
  isZeroBlock,
  pad,
  parseNumeric,
  parsePax,
  parsePaxSize,
  ustarName,
} from './tar-parser.ts';
import type { TarEntryType } from './tar-parser.ts';

/** Where one member of an uncompressed tar file lies, so it can be read in place without extracting. */
export interface ArchiveMember {
  path: string;
  type: TarEntryType;
  offset: number;
  size: number;
  linkName: string;
}

const BLOCK = 512;

/**
 * Lists the members of an uncompressed tar file (a `docker save` archive, an OCI archive) by reading
 * only its headers, seeking over every body. Bounded in member count; a compressed archive is refused
 * with a clear code because its members cannot be read in place.
 */
export async function indexArchive(
  handle: FileHandle,
  fileSize: number,
  where: string,
  maxMembers = 1_000_000,
): Promise<Map<string, ArchiveMember>> {
  const members = new Map<string, ArchiveMember>();
  const block = Buffer.alloc(BLOCK);
  let offset = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + BLOCK <= fileSize) {
    await readExactly(handle, block, offset, where);
    if (
      offset === 0 &&
      ((block[0] === 0x1f && block[1] === 0x8b) || (block[0] === 0x28 && block[1] === 0xb5))
    ) {
      throw new RaygateError(
        'SBOM_ARCHIVE_COMPRESSED',
        'input',
        `${where} is compressed; decompress it first (e.g. gunzip), so its members can be read in place.`,
      );
    }
    if (isZeroBlock(block)) break;
    if (!checksumMatches(block)) {
      throw new RaygateError(
        'SBOM_ARCHIVE_INVALID',
        'input',
        `${where} is not a tar archive (bad header at byte ${offset}).`,
      );
    }
    const flag = String.fromCharCode(block[156]!);
    const size = pax.size !== undefined ? parsePaxSize(pax.size) : parseNumeric(block, 124, 12);
    const bodyOffset = offset + BLOCK;
    if (bodyOffset + size > fileSize) {
      throw new RaygateError(
        'SBOM_ARCHIVE_TRUNCATED',
        'input',
        `${where} is truncated: a member claims ${size} bytes past its end.`,
      );
    }
    if (flag === 'x' || flag === 'L' || flag === 'K' || flag === 'g') {
      if (size > 1024 * 1024)
        throw new RaygateError(
          'SBOM_ARCHIVE_INVALID',
          'limit',
          `${where} has a tar metadata record of ${size} bytes.`,
        );
      const record = Buffer.alloc(size);
      await readExactly(handle, record, bodyOffset, where);
      if (flag === 'x') pax = parsePax(record);
      else if (flag === 'L') longName = cStringOf(record);
      else if (flag === 'K') longLink = cStringOf(record);
    } else {
      const name = pax.path ?? longName ?? ustarName(block);
      const path = normaliseEntryName(name);
      if (path !== undefined) {
        members.set(path, {
          path,
          type: entryType(flag),
          offset: bodyOffset,
          size,
          linkName: pax.linkpath ?? longLink ?? cString(block, 157, 100),
        });
        if (members.size > maxMembers) {
          throw new RaygateError(
            'SBOM_ARCHIVE_INVALID',
            'limit',
            `${where} has more than ${maxMembers} members.`,
          );
        }
      }
      pax = {};
      longName = undefined;
      longLink = undefined;
    }
    offset = bodyOffset + size + pad(size);
  }
  return members;
}

async function readExactly(
  handle: FileHandle,
  buffer: Buffer,
  position: number,
  where: string,
): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) throw new RaygateError('SBOM_ARCHIVE_TRUNCATED', 'input', `${where} ends early.`);
    done += bytesRead;
  }
}

/** Reads a member whole (manifests, configs), bounded. Follows hardlinks between members. */
export async function readMember(
  handle: FileHandle,
  members: Map<string, ArchiveMember>,
  path: string,
  maxBytes: number,
  where: string,
): Promise<Uint8Array> {
  const member = findMember(members, path, where);
  if (member.size > maxBytes) {
    throw new RaygateError(
      'OCI_MANIFEST_TOO_LARGE',
      'limit',
      `${path} in ${where} is ${member.size} bytes, more than the ${maxBytes} allowed.`,
    );
  }
  const buffer = Buffer.alloc(member.size);
  await readExactly(handle, buffer, member.offset, where);
  return buffer;
}

/** A regular member by path, following a hardlink or symlink member to the file it names. */
export function findMember(members: Map<string, ArchiveMember>, path: string, where: string): ArchiveMember {
  let current = normaliseEntryName(path) ?? path;
  for (let hops = 0; hops < 8; hops++) {
    const member = members.get(current);
    if (!member) break;
    if (member.type === 'file') return member;
    if (member.type !== 'hardlink' && member.type !== 'symlink') break;
    const base =
      member.type === 'symlink' && !member.linkName.startsWith('/')
        ? current.slice(0, current.lastIndexOf('/')) + '/'
        : '';
    current = normaliseEntryName(base + member.linkName) ?? '';
  }
  throw new RaygateError('SBOM_ARCHIVE_INVALID', 'input', `${where} has no file ${path}.`);
}
