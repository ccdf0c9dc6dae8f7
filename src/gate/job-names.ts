/** Queues of the gate's background work (handlers live in src/jobs/handlers/gate-*.ts). */
export const GATE_QUEUES = {
  /** One part of a release's evidence: an artifact, its lock files, or its deployment manifests. */
  collect: 'gate.collect-evidence',
  /** Every part of a round is in: evaluate the policy and move the release. */
  evaluate: 'gate.evaluate',
  /** An approved release: sign a VSA per artifact. */
  issueVsa: 'gate.issue-vsa',
  /** Push a release's VSAs to the registries configured for it. */
  attachVsa: 'gate.attach-vsa',
  /** Judge releases awaiting approval again (exceptions expire, advisories change). */
  reevaluate: 'gate.reevaluate',
} as const;
