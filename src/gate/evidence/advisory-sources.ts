import { OsvApiClient } from '../../advisories/osv-api-client.ts';
import { OsvMirror, readCurrentManifest } from '../../advisories/osv-mirror-reader.ts';
import type { AdvisorySource } from '../../advisories/source.ts';
import type { GateAdvisoriesConfig } from '../../config.ts';

/**
 * The advisory source of the configuration. The mirror is opened once per generation: each call checks which
 * generation `CURRENT` names and reopens only when `raygate osv sync|import` switched it, so assessments
 * always use the newest data without rereading indexes for every artifact.
 */
export function advisorySourceProvider(
  config: GateAdvisoriesConfig,
  defaultMirrorDir: string,
): () => Promise<AdvisorySource> {
  if (config.source === 'online') {
    const client = new OsvApiClient(config.apiUrl ? { baseUrl: config.apiUrl } : {});
    return async () => client;
  }
  const dir = config.mirrorDir ?? defaultMirrorDir;
  let open: { generation: string; mirror: Promise<OsvMirror> } | undefined;
  return async () => {
    const manifest = await readCurrentManifest(dir);
    if (!open || !manifest || manifest.generation !== open.generation) {
      const previous = open;
      const mirror = OsvMirror.open(dir);
      open = { generation: manifest?.generation ?? '', mirror };
      // Assessments already running on the old generation keep their file handles a little longer.
      if (previous)
        setTimeout(() => void previous.mirror.then((m) => m.close()).catch(() => {}), 60_000).unref();
      mirror.catch(() => {
        if (open?.mirror === mirror) open = undefined;
      });
    }
    return open.mirror;
  };
}
