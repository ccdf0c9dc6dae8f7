import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import type { Db } from '../../src/store/db.ts';
import { openPgDb } from '../../src/store/pg-db.ts';
import { call } from '../api/support.ts';
import { postgresServer } from '../support/postgres-server.ts';
import { REPO_ROOT, runCli } from '../support/run-cli.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';

/** Two approvals by people other than the submitter; evidence only warns, so approvals decide. */
const TWO_PERSON_POLICY = `apiVersion: raygate.dev/policy/v1
name: two-person
description: Two approvers who did not submit; evidence is reported, never blocking.
rules:
  - id: sbom
    check: sbom
    action: warn
  - id: approvals
    check: approvals
    count: 2
    separationOfDuties: true
`;

export interface ClusterOptions {
  /** Registries (host:port, plain HTTP) evidence may be fetched from. */
  registries?: string[];
  leaseMs?: number;
  shutdownGraceMs?: number;
}

export interface Replica extends ServeProcess {
  name: string;
  /** `host:pid:` — the prefix of the worker id this replica claims jobs under. */
  workerPrefix: string;
}

/**
 * The deployment topology of docker-compose.yml with real processes: one PostgreSQL database, any number
 * of `raygate serve` replicas sharing it, each with its own data folder (signing key, caches), fast job
 * polling, offline trust, and a policies folder holding the shipped policies plus `two-person`.
 */
export class GateCluster {
  readonly url: string;
  readonly dir: string;
  readonly db: Db;
  readonly replicas: Replica[] = [];
  admin = '';

  private constructor(url: string, dir: string, db: Db) {
    this.url = url;
    this.dir = dir;
    this.db = db;
  }

  static async create(options: ClusterOptions = {}): Promise<GateCluster> {
    const url = await (await postgresServer()).createDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), 'raygate-cluster-'));
    const policies = path.join(dir, 'policies');
    await mkdir(policies);
    for (const name of ['permissive.yaml', 'ray-release.yaml']) {
      await copyFile(path.join(REPO_ROOT, 'policies', name), path.join(policies, name));
    }
    await writeFile(path.join(policies, 'two-person.yaml'), TWO_PERSON_POLICY);
    const registries = (options.registries ?? []).map((host) => `    - { host: '${host}', insecure: true }`);
    await writeFile(
      path.join(dir, 'config.yaml'),
      [
        'jobs:',
        '  pollIntervalMs: 200',
        `  leaseMs: ${options.leaseMs ?? 30_000}`,
        '  backoffBaseMs: 200',
        '  backoffMaxMs: 1000',
        'server:',
        `  shutdownGraceMs: ${options.shutdownGraceMs ?? 10_000}`,
        'gate:',
        '  trust: { offline: true }',
        ...(registries.length > 0 ? ['  registries:', ...registries] : []),
        '',
      ].join('\n'),
    );
    const db = await openPgDb({ url, poolMax: 2, log: SILENT_LOGGER });
    const cluster = new GateCluster(url, dir, db);
    const bootstrap = await runCli(['tokens', 'create', '--role', 'admin', '--name', 'bootstrap'], {
      env: { DATABASE_URL: url },
    });
    if (bootstrap.code !== 0) throw new Error(bootstrap.stderr);
    cluster.admin = bootstrap.stdout.trim();
    return cluster;
  }

  env(name: string): Record<string, string> {
    return {
      DATABASE_URL: this.url,
      RAYGATE_DATA: path.join(this.dir, `data-${name}`),
      RAYGATE_POLICIES: path.join(this.dir, 'policies'),
      RAYGATE_CONFIG: path.join(this.dir, 'config.yaml'),
      RAYGATE_OSV_DB: path.join(this.dir, 'no-osv-mirror'),
    };
  }

  async start(name: string, args: string[] = []): Promise<Replica> {
    const serve = await startServe(args, this.env(name));
    const replica: Replica = { ...serve, name, workerPrefix: `:${serve.child.pid}:` };
    this.replicas.push(replica);
    return replica;
  }

  /** A token made through the API of `replica` by the bootstrap admin. */
  async token(replica: Replica, role: string, name: string, projects?: string[]): Promise<string> {
    const created = await call(replica.url, 'POST', '/api/v1/tokens', {
      token: this.admin,
      json: { name, role, ...(projects ? { projects } : {}) },
    });
    if (created.status !== 201) throw new Error(`token ${name}: ${created.status} ${created.text}`);
    return created.body.token as string;
  }

  /** Job ids each replica's log says it finished, by replica name. */
  succeededJobs(): Map<string, number[]> {
    const done = new Map<string, number[]>();
    for (const replica of this.replicas) {
      const ids = jsonLines(replica.stdout())
        .filter((l) => l.msg === 'job succeeded')
        .map((l) => Number(l.jobId));
      done.set(replica.name, [...(done.get(replica.name) ?? []), ...ids]);
    }
    return done;
  }

  async close(): Promise<void> {
    for (const replica of this.replicas.splice(0)) {
      if (replica.child.exitCode === null && replica.child.signalCode === null) await replica.stop();
    }
    await this.db.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls `probe` until it returns something other than undefined. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A release's state as `replica` reports it. */
export async function releaseState(replica: Replica, token: string, id: string): Promise<string> {
  const answer = await call(replica.url, 'GET', `/api/v1/releases/${id}`, { token });
  if (answer.status !== 200) throw new Error(`GET release ${id}: ${answer.status} ${answer.text}`);
  return answer.body.state as string;
}
