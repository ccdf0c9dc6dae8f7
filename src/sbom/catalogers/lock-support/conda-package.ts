import type { CondaMetadata, Hash, Location, Package } from '../../model.ts';
import { packageId } from '../../package-id.ts';
import { toPurl } from '../../../shared/purl.ts';

export interface DeclaredCondaInput {
  foundBy: string;
  location: Location;
  declared: NonNullable<CondaMetadata['declared']>;
  name: string;
  /** Only an exact version (`==1.2`, `=1.2=build`, an explicit URL); a range leaves it unset. */
  version?: string;
  build?: string;
  /** Channel as recorded: a name (`conda-forge`) or a URL, credentials redacted. */
  channel?: string;
  /** Channel name for the purl, when it has one (`conda-forge`, `main`). */
  channelName?: string;
  subdir?: string;
  /** Package archive URL (explicit files), credentials redacted. */
  url?: string;
  /** `conda` or `tar.bz2`, from the archive name. */
  archiveType?: string;
  spec?: string;
  hashes?: Hash[];
  idQualifier?: string;
}

/** Builds a conda package declared by an environment or explicit file: `pkg:conda/name@version?build&channel&subdir`. */
export function declaredCondaPackage(input: DeclaredCondaInput): Package {
  const name = input.name.toLowerCase();
  const metadata: CondaMetadata = {
    kind: 'conda',
    fileCount: 0,
    pythonMetadataDirs: [],
    declared: input.declared,
  };
  if (input.channel) metadata.channel = input.channel;
  if (input.subdir) metadata.subdir = input.subdir;
  if (input.build) metadata.build = input.build;
  if (input.url) metadata.url = input.url;
  if (input.spec) metadata.spec = input.spec;
  const idPath = input.idQualifier ? `${input.location.path}#${input.idQualifier}` : input.location.path;
  const pkg: Package = {
    id: packageId('conda', name, input.version, idPath),
    ecosystem: 'conda',
    name,
    purl: toPurl({
      type: 'conda',
      name,
      version: input.version,
      qualifiers: {
        build: input.build,
        channel: input.channelName ?? input.channel,
        subdir: input.subdir,
        type: input.archiveType,
      },
    }),
    foundBy: input.foundBy,
    locations: [input.location],
    hashes: input.hashes ?? [],
    licenses: [],
    metadata,
  };
  if (input.version !== undefined) pkg.version = input.version;
  return pkg;
}
