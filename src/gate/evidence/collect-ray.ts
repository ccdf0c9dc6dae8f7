import { toRayEvidence } from '../../policy/adapters/ray.ts';
import type { RayEvidence } from '../../policy/evidence.ts';
import { lintRay } from '../../ray/lint.ts';
import type { UploadedDocument } from './collect-artifact.ts';

/** `raygate ray lint` over the deployment files uploaded with the release, in memory. */
export async function collectRayEvidence(files: readonly UploadedDocument[]): Promise<RayEvidence> {
  const result = await lintRay({
    files: files.map((f) => ({
      path: f.name,
      content: Buffer.from(f.bytes).toString('utf8'),
      explicit: true,
    })),
  });
  return toRayEvidence(result);
}
