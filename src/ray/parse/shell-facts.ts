import type { RayFacts, SourceRef } from '../model.ts';
import type { ShellFacts } from '../shell/script.ts';
import { isRayImage, parseImageRef, rayVersionOfTag } from './image-ref.ts';
import { rayRequirementVersions } from './requirements.ts';
import { runtimeEnvFromJson } from './runtime-env.ts';

/** Adds what a script does (env settings, Ray pins, token files, Serve hosts, images, job runtime envs) to the facts. */
export function collectShell(
  shell: ShellFacts,
  facts: RayFacts,
  clusterId: string,
  options: { inContainer?: boolean } = {},
): void {
  for (const e of shell.envSettings) facts.envSettings.push({ env: e, clusterId });
  for (const r of shell.rayRequirements) {
    for (const v of rayRequirementVersions(r.text))
      facts.versions.push({ version: v.version, source: 'pip', at: r.at, clusterId, rayData: v.rayData });
  }
  for (const t of shell.tokenFileWrites) facts.tokenFiles.push(t);
  for (const h of shell.serveHosts)
    facts.serveEndpoints.push({
      host: h.host,
      tls: false,
      at: h.at,
      clusterId,
      ...(options.inContainer ? { inContainer: true } : {}),
    });
  for (const run of shell.dockerRuns) {
    if (!run.run.image || !run.run.imageAt) continue;
    facts.images.push({ reference: run.run.image, at: run.run.imageAt, context: 'docker run', clusterId });
    const ref = parseImageRef(run.run.image);
    const version = ref && isRayImage(ref) ? rayVersionOfTag(ref.tag) : undefined;
    if (version)
      facts.versions.push({
        version,
        source: 'image',
        at: run.run.imageAt,
        image: run.run.image,
        rayData: true,
        clusterId,
      });
  }
  for (const job of shell.jobSubmits) {
    if (job.runtimeEnvJson) {
      const parsed = runtimeEnvFromJson(
        job.runtimeEnvJson.text,
        'ray job submit --runtime-env-json',
        job.runtimeEnvJson.at,
        clusterId,
      );
      if ('code' in parsed) facts.problems.push(parsed);
      else facts.runtimeEnvs.push(parsed);
    }
    if (job.workingDir) {
      const at: SourceRef = job.workingDir.at;
      facts.runtimeEnvs.push({
        origin: 'ray job submit --working-dir',
        clusterId,
        value: { working_dir: job.workingDir.value },
        at,
        lineOf: () => at.line,
      });
    }
  }
}
