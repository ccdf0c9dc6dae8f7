import type { RayRuleMeta } from '../finding.ts';
import { RAY_AUTH_002 } from './auth-002.ts';
import { RAY_AUTH_003 } from './auth-003.ts';
import { RAY_AUTH_004 } from './auth-004.ts';
import { RAY_DESER_011 } from './deser-011.ts';
import { RAY_IMG_015 } from './img-015.ts';
import { RAY_KR_017 } from './kr-017.ts';
import { RAY_KR_018 } from './kr-018.ts';
import { RAY_NET_005 } from './net-005.ts';
import { RAY_NET_006 } from './net-006.ts';
import { RAY_NET_007 } from './net-007.ts';
import { RAY_NET_008 } from './net-008.ts';
import { RAY_POD_014 } from './pod-014.ts';
import { RAY_RES_019 } from './res-019.ts';
import { RAY_RTENV_012 } from './rtenv-012.ts';
import { RAY_RTENV_013 } from './rtenv-013.ts';
import type { RayRule } from './rule.ts';
import { RAY_SEC_010 } from './sec-010.ts';
import { RAY_SRV_016 } from './srv-016.ts';
import { RAY_TEL_020 } from './tel-020.ts';
import { RAY_TLS_009 } from './tls-009.ts';
import { RAY_VER_001 } from './ver-001.ts';

/** Every Ray deployment rule, in id order. Adding a rule is one file plus one line here. */
export const RAY_RULES: readonly RayRule[] = [
  RAY_VER_001,
  RAY_AUTH_002,
  RAY_AUTH_003,
  RAY_AUTH_004,
  RAY_NET_005,
  RAY_NET_006,
  RAY_NET_007,
  RAY_NET_008,
  RAY_TLS_009,
  RAY_SEC_010,
  RAY_DESER_011,
  RAY_RTENV_012,
  RAY_RTENV_013,
  RAY_POD_014,
  RAY_IMG_015,
  RAY_SRV_016,
  RAY_KR_017,
  RAY_KR_018,
  RAY_RES_019,
  RAY_TEL_020,
];

/** Rule metadata without the check, for policies, SARIF and `--list-rules`. */
export const RAY_RULE_METADATA: readonly RayRuleMeta[] = RAY_RULES.map(
  ({ id, name, title, severities, inputs, help, fix, helpUri }) => ({
    id,
    name,
    title,
    severities,
    inputs,
    help,
    fix,
    helpUri,
  }),
);
