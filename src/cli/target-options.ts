import { Option, type Command } from 'commander';
import type { OpenTargetOptions } from '../sbom/sources/open-target.ts';

/** The flags every command that opens a scan target accepts for images. */
export interface TargetFlags {
  platform?: string;
  insecureRegistry: string[];
  allowRegistryHost: string[];
  denyRegistryHost: string[];
  registryCa?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const TARGET_HELP = `
Image targets:
  image:REF            pulled from its registry (Docker Hub, GHCR, quay, a private registry)
  docker-archive:PATH  a 'docker save' archive
  oci-dir:PATH[:TAG]   an OCI image layout folder
  oci-archive:PATH[:TAG]  an OCI image layout in a tar archive
Registry hosts in private, loopback or link-local ranges are refused unless --allow-registry-host or
--insecure-registry names them (the same check guards the API server against SSRF). Credentials come
from ~/.docker/config.json (or $DOCKER_CONFIG), including credential helpers.`;

export function addTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--platform <os/arch[/variant]>',
        'platform to pick from a multi-arch image (default linux/amd64)',
      ),
    )
    .addOption(
      new Option(
        '--insecure-registry <host[:port]>',
        'talk plain HTTP to this registry (repeatable; loopback tests)',
      )
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option(
        '--allow-registry-host <host|cidr>',
        'allow a private or loopback registry host (repeatable)',
      )
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option('--deny-registry-host <host|cidr>', 'refuse this registry host (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option('--registry-ca <file>', 'PEM file of extra CA certificates trusted for registries'),
    );
}

/**
 * The open options for a target from the flags. Progress is drawn on stderr only when it is a terminal:
 * one line, rewritten in place, so CI logs stay clean.
 */
export function toOpenTargetOptions(flags: TargetFlags, interactive: boolean): OpenTargetOptions {
  const options: OpenTargetOptions = {
    registry: {
      insecureRegistries: flags.insecureRegistry,
      allowHosts: flags.allowRegistryHost,
      denyHosts: flags.denyRegistryHost,
      ...(flags.registryCa ? { caFile: flags.registryCa } : {}),
    },
  };
  if (flags.platform) options.platform = flags.platform;
  if (interactive) {
    let last = 0;
    options.onProgress = (p) => {
      const now = Date.now();
      if (now - last < 100 && p.layersDone < p.layersTotal) return;
      last = now;
      const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
      const bytes = p.bytesTotal ? `${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB` : `${mb(p.bytesRead)} MB`;
      process.stderr.write(`\rraygate: layers ${p.layersDone}/${p.layersTotal}, ${bytes}\x1b[K`);
      if (p.layersDone === p.layersTotal) process.stderr.write('\n');
    };
  }
  return options;
}
