import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OsvRecord } from '../../../src/advisories/osv.ts';
import type { ExportEntry } from '../../../src/advisories/osv-export-reader.ts';
import { importIntoMirror } from '../../../src/advisories/osv-mirror-writer.ts';
import type { Db } from '../../../src/store/db.ts';
import { putDocument } from '../../../src/store/documents.ts';
import { appendReleaseEvent } from '../../../src/store/repos/release-events.ts';
import { insertArtifacts, insertRelease } from '../../../src/store/repos/releases.ts';
import { runCli } from '../../support/run-cli.ts';

/** A real CycloneDX SBOM made by `raygate sbom` from a pinned requirements file. */
export async function makeSbom(dir: string, requirements: string[]): Promise<Buffer> {
  const input = path.join(dir, `requirements-${requirements.length}.txt`);
  const output = path.join(dir, `sbom-${requirements.length}.cdx.json`);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(input, `${requirements.join('\n')}\n`);
  const run = await runCli(['sbom', input, '--output', output]);
  if (run.code !== 0) throw new Error(`raygate sbom failed: ${run.stderr}`);
  return readFile(output);
}

async function* entriesOf(records: readonly OsvRecord[]): AsyncGenerator<ExportEntry> {
  for (const r of records)
    yield { name: `${r.id}.json`, format: 'json', bytes: Buffer.from(JSON.stringify(r)) };
}

/** Imports records into the OSV mirror at `dir` (a new generation, as `raygate osv import` makes). */
export async function importRecords(dir: string, records: readonly OsvRecord[], now: Date): Promise<void> {
  await importIntoMirror(dir, [{ entries: entriesOf(records), sourceKey: 'test' }], { now });
}

let seq = 0;

/**
 * An approved release as the gate leaves one: the release row, its image artifact with the stored SBOM,
 * and the event of its move to approved.
 */
export async function approvedRelease(
  db: Db,
  r: { project: string; version: string; image: string; sbom: Buffer; approvedAt: Date },
): Promise<string> {
  const id = `rel_test${++seq}${Date.now().toString(36)}`;
  const digest = `sha256:${(seq.toString(16) + 'a'.repeat(64)).slice(0, 64)}`;
  await db.transaction(async (tx) => {
    const policy = await putDocument(tx, 'application/yaml', Buffer.from('name: test\n'));
    const sbom = await putDocument(tx, 'application/vnd.cyclonedx+json', r.sbom);
    await insertRelease(tx, {
      id,
      project: r.project,
      version: r.version,
      git: {},
      policyName: 'test',
      policyDocument: policy.digest,
      state: 'approved',
      submittedBy: 'token:test',
      submitter: {},
      submittedAt: r.approvedAt,
      updatedAt: r.approvedAt,
      submissionDigest: `sha256:${id}`,
      evidenceRound: 1,
      expectedParts: 1,
      decisionId: null,
      vsaState: 'none',
    });
    await insertArtifacts(tx, id, [
      {
        n: 0,
        kind: 'image',
        name: r.image,
        digest,
        reference: `registry.example/${r.image}@${digest}`,
        sbomDigest: sbom.digest,
      },
    ]);
    await appendReleaseEvent(
      tx,
      id,
      'state',
      { from: 'awaiting_approval', to: 'approved', reason: 'test' },
      r.approvedAt,
    );
  });
  return id;
}
