import type { RayEvidence } from '../../policy/evidence.ts';
import type { ArtifactPart } from './collect-artifact.ts';
import type { LockFilesPart } from './collect-lock-files.ts';

/** Names of the parts a round of evidence is made of: one per artifact, one for lock files, one for Ray. */
export const PARTS = {
  artifact: (n: number) => `artifact:${n}`,
  lockFiles: 'lock-files',
  ray: 'ray',
} as const;

export interface RayPart {
  ray: RayEvidence;
}

export interface CollectedParts {
  artifacts: ArtifactPart[];
  lockFiles?: LockFilesPart;
  ray?: RayPart;
}

/** Sorts a round's stored parts into their kinds (artifacts in submission order). */
export function readParts(parts: readonly { part: string; content: unknown }[]): CollectedParts {
  const artifacts: { n: number; part: ArtifactPart }[] = [];
  const out: CollectedParts = { artifacts: [] };
  for (const { part, content } of parts) {
    const match = /^artifact:(\d+)$/.exec(part);
    if (match) artifacts.push({ n: Number(match[1]), part: content as ArtifactPart });
    else if (part === PARTS.lockFiles) out.lockFiles = content as LockFilesPart;
    else if (part === PARTS.ray) out.ray = content as RayPart;
  }
  out.artifacts = artifacts.sort((a, b) => a.n - b.n).map((a) => a.part);
  return out;
}
