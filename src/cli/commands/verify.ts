import { InvalidArgumentError, Option } from 'commander';
import { formatOption } from '../main.ts';
import type { RegisterCommand } from './index.ts';
import type { VerifyOptions } from './verify-run.ts';

const repeat = (value: string, previous: string[] = []) => [...previous, value];

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 50)
    throw new InvalidArgumentError('expected a whole number from 0 to 50');
  return n;
}

const HELP = `
Artifacts:
  FILE.whl | FILE.tar.gz | FILE.zip   a wheel or sdist: PEP 740 attestations from PyPI's Integrity API, or a
                                      local FILE.publish.attestation / FILE.provenance beside it
  pypi:NAME==VERSION[:FILENAME]       a release on PyPI (every file of it, or the one named)
  image:REF                           an image in a registry: OCI 1.1 referrers (API, else the sha256-<hex>
                                      tag), cosign's .sig/.att tags; signatures and attestations alike
  oci-dir:PATH[:TAG] | oci-archive:PATH[:TAG]   attachments stored in an OCI layout (cosign save, oras)
  docker-archive:PATH[:TAG]           a docker save tar: searched like a layout when it is OCI-in-tar (Docker
                                      25+); a legacy archive keeps no manifest digest and cannot hold any
  sha256:<hex>                        any digest: GitHub artifact attestations (--github-repository/--github-owner)
  LOCK | DIR | SBOM.cdx.json          an environment (anything raygate sbom reads): attestation coverage of
                                      every PyPI distribution, and publisher drift against earlier releases
  any other FILE                      local bundles (--bundle) and, with --github-attestations, GitHub's

Who must have signed: the identity flags (as verify-bundle), or --policy's identities. For PyPI files
without either, the Trusted Publisher PyPI recorded is what the certificate must match.

Verify policy (--policy FILE, YAML or JSON):
  version: 1
  require: [provenance]               # any | signature | provenance | publish | sbom | vsa | attestation
  identities: [{github: {repository: acme/ray-images, workflow: .github/workflows/release.yml}}]
  builders: ["https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v2.*"]
  source: {repositories: ["https://github.com/acme/*"], refs: ["refs/tags/v*"]}
  minSlsaLevel: 2
  vsa: {verifiers: ["https://verifier.acme.example/*"], levels: [SLSA_BUILD_LEVEL_3], policyDigests: ["sha256:…"]}
  artifacts: {wheel: {require: [publish]}, image: {require: [signature, provenance]}}

SLSA build level: L1 provenance exists; L2 it is signed by a hosted CI platform's identity (GitHub
Actions, GitLab CI, … on hosted runners); L3 it was generated and signed by an isolated trusted builder
(slsa-github-generator's workflows, GitHub's reusable attestation workflow) that names itself as builder.

Exit: 0 every required piece verified; 1 evidence exists but fails (signature, identity, policy) or
publisher drift; 5 no evidence at all (or none could be checked, e.g. --offline); 2 input; 3 unreachable.`;

export const registerVerify: RegisterCommand = (program, context) =>
  program
    .command('verify')
    .description(
      'Find and verify the provenance of a wheel, sdist, PyPI release, container image, digest or whole environment: PEP 740 attestations, OCI signatures and attestations, GitHub artifact attestations, SLSA provenance.',
    )
    .argument('<artifact>', 'what to verify (see below)')
    .option(
      '--policy <FILE>',
      'a verify policy (YAML/JSON): required evidence, identities, builders, sources, SLSA level',
    )
    .option('--certificate-identity <IDENTITY>', "the signer's exact identity (certificate SAN)")
    .option('--certificate-identity-regexp <REGEXP>', 'a regular expression the identity must match')
    .option('--certificate-oidc-issuer <URL>', 'the exact OIDC issuer')
    .option('--certificate-oidc-issuer-regexp <REGEXP>', 'a regular expression the OIDC issuer must match')
    .option(
      '--github-repository <OWNER/REPO>',
      'GitHub Actions: the source repository; also where GitHub attestations are looked up',
    )
    .option(
      '--github-owner <OWNER>',
      'GitHub Actions: the repository owner; also where organisation attestations are looked up',
    )
    .option('--github-workflow <PATH[@REF]>', 'GitHub Actions: the workflow that ran')
    .option(
      '--github-signer-workflow <OWNER/REPO/PATH[@REF]>',
      'GitHub Actions: the (reusable) workflow that signed',
    )
    .option('--github-ref <GLOB>', 'GitHub Actions: the git ref (refs/tags/v*)')
    .option('--key <PUBLIC_KEY.pem>', 'accept key-signed evidence made with this key')
    .addOption(
      new Option(
        '--require <KIND>',
        'evidence every artifact needs (repeatable; overrides the policy)',
      ).argParser(repeat),
    )
    .addOption(new Option('--min-slsa-level <N>', 'the lowest SLSA build level accepted').argParser(count))
    .addOption(
      new Option('--bundle <FILE>', 'a Sigstore bundle about the artifact (repeatable)').argParser(repeat),
    )
    .addOption(
      new Option(
        '--trusted-root <FILE>',
        'trust this trusted_root.json or JSONL (repeatable; e.g. gh attestation trusted-root)',
      ).argParser(repeat),
    )
    .option('--staging', "also trust Sigstore's staging instance")
    .option('--offline', 'never use the network: TUF cache only, no PyPI, GitHub or registry lookups')
    .option(
      '--pypi-url <URL>',
      'PyPI base URL for the JSON and Integrity APIs (default $RAYGATE_PYPI_URL or https://pypi.org)',
    )
    .option(
      '--github-api-url <URL>',
      'GitHub API base URL, e.g. https://HOST/api/v3 (default $GITHUB_API_URL or https://api.github.com)',
    )
    .option('--github-attestations', 'also look up GitHub artifact attestations for files and images')
    .addOption(
      new Option(
        '--github-bundle-host <HOST>',
        'a host GitHub may link attestation bundles to (bundle_url) besides the API host (repeatable)',
      ).argParser(repeat),
    )
    .addOption(
      new Option('--history <N>', 'earlier releases compared for publisher drift (0: off)')
        .argParser(count)
        .default(3),
    )
    .addOption(
      new Option('--insecure-registry <HOST>', 'a registry spoken to over plain HTTP (repeatable)').argParser(
        repeat,
      ),
    )
    .addOption(
      new Option(
        '--allow-registry-host <HOST|CIDR>',
        'a private or loopback registry host to allow (repeatable)',
      ).argParser(repeat),
    )
    .option('--registry-ca <FILE>', 'extra CA certificates (PEM) for registries')
    .addOption(formatOption(['table', 'json'], 'table'))
    .option('-o, --output <FILE>', 'write the report to FILE instead of stdout')
    .addHelpText('after', HELP)
    .action(async (artifact: string, options: VerifyOptions) => {
      // Sigstore, octokit and the catalogers load only when this command runs.
      const { runVerify } = await import('./verify-run.ts');
      context.setExitCode(await runVerify(artifact, options));
    });
