import { Option } from 'commander';
import type { CatalogerTag } from '../../sbom/catalogers/cataloger.ts';
import type { RegisterCommand } from './index.ts';
import { addTargetOptions, TARGET_HELP } from '../target-options.ts';
import type { SbomCommandDeps, SbomOptions } from './sbom-run.ts';

export const FORMATS = ['cyclonedx-json', 'cyclonedx-xml', 'table'] as const;
export type SbomFormat = (typeof FORMATS)[number];

/** Every cataloger tag, for `--catalogers` and its help; the type check keeps it complete. */
export const TAGS = [
  'installed',
  'declared',
  'python',
  'conda',
  'os',
  'image',
  'directory',
] as const satisfies readonly CatalogerTag[];
const TAGS_COMPLETE: [Exclude<CatalogerTag, (typeof TAGS)[number]>] extends [never] ? true : false = true;
void TAGS_COMPLETE;

/** Problems printed on stderr before the rest are summarised. */
export const PROBLEM_LINES = 20;

const HELP = `
Targets:
  dir:PATH     a folder: a venv, a site-packages, a conda prefix, an unpacked image root
  file:PATH    one lock or requirements file (requirements*.txt, uv.lock, poetry.lock, ...)
  PATH         either, detected from what PATH is

Formats (--format):
  cyclonedx-json  CycloneDX 1.6 JSON (default)
  cyclonedx-xml   CycloneDX 1.6 XML
  table           packages grouped by ecosystem, for people

Catalogers (--catalogers): a comma-separated list of tags or cataloger names.
  Tags: ${TAGS.join(', ')}.
  A folder is read with the installed and declared catalogers, an image with the installed ones (what
  it runs, not lock files it happens to contain), a single file with every cataloger that accepts it.

Reproducible output: --deterministic, or setting SOURCE_DATE_EPOCH (seconds since 1970, as in
reproducible builds), fixes the timestamp (SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z), derives the
serial number from the content (UUID v5) and marks the BOM cdx:reproducible. Two runs on the same input
then give byte-identical output. Lists are always in a stable order.

Problems (unreadable or malformed files) do not stop the scan: they are printed on stderr and recorded
in the BOM as raygate:problem properties of its metadata; the exit code stays 0. A target that cannot
be read at all exits with 2.

Examples:
  raygate sbom /home/ray/anaconda3                        # CycloneDX JSON on stdout
  raygate sbom dir:.venv --format table                   # what is installed, for people
  raygate sbom file:requirements.txt -f cyclonedx-xml -o sbom.cdx.xml
  SOURCE_DATE_EPOCH=1700000000 raygate sbom .venv -o sbom.cdx.json --validate`;

/** `raygate sbom`, with its catalogers and clock injectable for tests. */
export function sbomCommand(overrides: Partial<SbomCommandDeps> = {}): RegisterCommand {
  return (program, context) =>
    addTargetOptions(
      program
        .command('sbom')
        .description(
          'Write a CycloneDX 1.6 SBOM (or a table) of a container image, Python environment, folder or lock file.',
        )
        .argument(
          '<target>',
          'what to scan: dir:PATH, file:PATH, image:REF, docker-archive:PATH, oci-dir:PATH, oci-archive:PATH or PATH',
        )
        .addOption(
          new Option('-f, --format <format>', 'output format').choices(FORMATS).default('cyclonedx-json'),
        )
        .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
        .option('--deterministic', 'reproducible output: fixed timestamp, content-derived serial number')
        .option('--validate', 'validate the output against the CycloneDX 1.6 schema (slow for large BOMs)')
        .addOption(
          new Option('--catalogers <list>', 'catalogers to run: comma-separated tags or cataloger names'),
        ),
    )
      .addHelpText('after', `${TARGET_HELP}\n${HELP}`)
      .action(async (target: string, options: SbomOptions) => {
        // Scanning and CycloneDX are loaded only when this command runs, so other commands start fast.
        const { runSbom, defaultSbomDeps } = await import('./sbom-run.ts');
        await runSbom(target, options, { ...defaultSbomDeps(), ...overrides }, context.interactive);
      });
}

export const registerSbomCommand: RegisterCommand = sbomCommand();
