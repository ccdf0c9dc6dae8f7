// Canonical JSON lives in shared/ since the policy engine digests policies and evidence with it too.
export { canonicalJson } from '../shared/canonical-json.ts';
