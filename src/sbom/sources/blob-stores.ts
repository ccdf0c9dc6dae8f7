import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../../shared/errors.ts';
import type { ArchiveMember } from './archive-index.ts';
import { findMember, indexArchive, readMember } from './archive-index.ts';
import type { LayerBlob } from './layer-reader.ts';
import { splitDigest } from './layer-reader.ts';
import type { BlobStore } from './oci-layout.ts';

const READ_CHUNK = 1024 * 1024;

function blobPath(digest: string): string {
  const [algorithm, hex] = splitDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

export function verifyBlob(bytes: Uint8Array, digest: string, where: string): Uint8Array {
  const [algorithm, hex] = splitDigest(digest);
  if (createHash(algorithm).update(bytes).digest('hex') !== hex) {
    throw new RaygateError(
      'OCI_DIGEST_MISMATCH',
      'verification',
      `${where}: blob ${digest} does not match its digest.`,
    );
  }
  return bytes;
}

/** The blobs of an OCI image layout folder (`blobs/<alg>/<hex>`), read in place. */
export function folderBlobStore(root: string): BlobStore {
  return {
    where: root,
    read: async (digest, maxBytes) => {
      const file = path.join(root, blobPath(digest));
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch (error) {
        throw new RaygateError('OCI_BLOB_UNKNOWN', 'not-found', `${root} has no blob ${digest}.`, {
          cause: error,
        });
      }
      if (size > maxBytes) {
        throw new RaygateError(
          'OCI_MANIFEST_TOO_LARGE',
          'limit',
          `${root}: blob ${digest} is ${size} bytes, more than the ${maxBytes} allowed.`,
        );
      }
      return verifyBlob(await readFile(file), digest, root);
    },
    open: async (blob: LayerBlob, signal) => {
      const file = path.join(root, blobPath(blob.digest));
      try {
        await stat(file);
      } catch (error) {
        throw new RaygateError('OCI_BLOB_UNKNOWN', 'not-found', `${root} has no blob ${blob.digest}.`, {
          cause: error,
        });
      }
      return createReadStream(file, { highWaterMark: READ_CHUNK, signal });
    },
    close: async () => {},
  };
}

/** An uncompressed tar file opened once and indexed by its headers; members are read in place. */
export interface OpenedArchive {
  where: string;
  file: string;
  handle: FileHandle;
  members: Map<string, ArchiveMember>;
  read(member: string, maxBytes: number): Promise<Uint8Array>;
  stream(member: string, signal: AbortSignal): AsyncIterable<Uint8Array>;
  has(member: string): boolean;
  close(): Promise<void>;
}

export async function openArchive(file: string): Promise<OpenedArchive> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new RaygateError('TARGET_NOT_FOUND', 'input', `Cannot open ${file}: no such file.`, {
      cause: error,
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new RaygateError('TARGET_NOT_FILE', 'input', `${file} is not a regular file.`);
    const members = await indexArchive(handle, info.size, file);
    return {
      where: file,
      file,
      handle,
      members,
      has: (member) => members.has(`/${member.replace(/^\.?\/+/, '')}`),
      read: (member, maxBytes) => readMember(handle, members, member, maxBytes, file),
      stream: (member, signal) => {
        const m = findMember(members, member, file);
        if (m.size === 0) return (async function* () {})();
        return createReadStream(file, {
          start: m.offset,
          end: m.offset + m.size - 1,
          highWaterMark: READ_CHUNK,
          signal,
        });
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The blobs of an OCI layout stored inside a tar file (an OCI archive, or Docker's OCI-in-tar save). */
export function archiveBlobStore(archive: OpenedArchive): BlobStore {
  return {
    where: archive.where,
    read: async (digest, maxBytes) => {
      if (!archive.has(blobPath(digest)))
        throw new RaygateError('OCI_BLOB_UNKNOWN', 'not-found', `${archive.where} has no blob ${digest}.`);
      return verifyBlob(await archive.read(blobPath(digest), maxBytes), digest, archive.where);
    },
    open: async (blob, signal) => {
      if (!archive.has(blobPath(blob.digest))) {
        throw new RaygateError(
          'OCI_BLOB_UNKNOWN',
          'not-found',
          `${archive.where} has no blob ${blob.digest}.`,
        );
      }
      return archive.stream(blobPath(blob.digest), signal);
    },
    close: () => archive.close(),
  };
}
