import { stat } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';
import { parseEvidenceRecord, type EvidenceRecord } from './evidence-parse.ts';
import { readBounded } from './policy-reader.ts';

/** Largest evidence file read: image SBOMs with thousands of packages stay far below it. */
export const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;

/**
 * Reads stored evidence: a JSON file (bare evidence or `{evidence, decision}`), or a folder holding
 * `evidence.json` and optionally `decision.json` (the decision it was judged with, for replay).
 */
export async function readEvidence(target: string): Promise<EvidenceRecord> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(target)).isDirectory();
  } catch (error) {
    throw new RaygateError(
      'EVIDENCE_UNREADABLE',
      'input',
      `Cannot read ${target}: ${(error as Error).message}.`,
    );
  }
  if (!isDirectory) return parseEvidenceRecord(await readJson(target), target);
  const evidenceFile = path.join(target, 'evidence.json');
  const decisionFile = path.join(target, 'decision.json');
  const evidence = await readJson(evidenceFile);
  let decision: unknown;
  try {
    await stat(decisionFile);
    decision = await readJson(decisionFile);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  const record = parseEvidenceRecord(evidence, evidenceFile);
  if (decision === undefined) return record;
  const decided = parseEvidenceRecord({ evidence: record.evidence, decision }, decisionFile);
  return decided;
}

async function readJson(file: string): Promise<unknown> {
  const text = await readBounded(file, MAX_EVIDENCE_BYTES + 1, 'EVIDENCE_UNREADABLE');
  if (Buffer.byteLength(text) > MAX_EVIDENCE_BYTES) {
    throw new RaygateError(
      'EVIDENCE_TOO_LARGE',
      'limit',
      `${file} is larger than ${MAX_EVIDENCE_BYTES} bytes.`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RaygateError('EVIDENCE_INVALID', 'input', `${file} is not JSON: ${(error as Error).message}.`);
  }
}
