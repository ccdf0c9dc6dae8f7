import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { WEB_ROOT } from '../../src/api/web-ui.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { postgresServer } from '../support/postgres-server.ts';
import { REPO_ROOT, runCli } from '../support/run-cli.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { makePgliteDataDir } from '../support/test-db.ts';
import {
  envNamesRead,
  envPairs,
  execForm,
  interpolate,
  keptByDockerignore,
  parseDockerfile,
  type Instruction,
} from './container-files.ts';

interface ComposeService {
  build?: string | { context: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  user?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The commands and options raygate's CLI really declares. */
function cliCommand(words: string[]): Command {
  let command: Command = buildProgram({ setExitCode: () => undefined, interactive: false });
  for (const word of words) {
    const next = command.commands.find((c) => c.name() === word);
    assert.ok(next, `raygate has no command '${words.join(' ')}'`);
    command = next;
  }
  return command;
}

/** Checks `argv` (`serve`, `tokens create --role admin ...`) against the CLI's declared commands and flags. */
function assertCliInvocation(argv: string[]): void {
  const words: string[] = [];
  let command = cliCommand([]);
  for (const word of argv) {
    const next = command.commands.find((c) => c.name() === word);
    if (!next) break;
    words.push(word);
    command = next;
  }
  assert.ok(words.length > 0, `'${argv.join(' ')}' names no raygate command`);
  const flags = new Set(command.options.flatMap((o) => [o.long, o.short].filter((f) => f !== undefined)));
  for (const arg of argv.filter((a) => a.startsWith('-'))) {
    const flag = arg.split('=')[0]!;
    assert.ok(flags.has(flag), `raygate ${words.join(' ')} has no option ${flag}`);
  }
}

function runHealthcheck(argv: string[], env: Record<string, string>): Promise<number | null> {
  assert.equal(argv[0], 'node', 'the health check runs node (the slim image has no curl or wget)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv.slice(1), {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('container files (Dockerfile, .dockerignore, docker-compose.yml)', function () {
  this.timeout(120_000);
  let dockerfile: Instruction[];
  let dockerignore: string;
  let composeText: string;
  let compose: ComposeFile;
  let envRead: Set<string>;
  const composeEnv = { POSTGRES_PASSWORD: 'pw-from-env' };

  before(async () => {
    dockerfile = parseDockerfile(await readFile(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
    dockerignore = await readFile(path.join(REPO_ROOT, '.dockerignore'), 'utf8');
    composeText = await readFile(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    compose = parseYaml(interpolate(composeText, composeEnv)) as ComposeFile;
    envRead = await envNamesRead(path.join(REPO_ROOT, 'src'));
  });

  const all = (keyword: string) => dockerfile.filter((i) => i.keyword === keyword);
  const last = (keyword: string) => {
    const found = all(keyword).at(-1);
    assert.ok(found, `the Dockerfile has no ${keyword}`);
    return found;
  };
  const imageEnv = () =>
    Object.assign({}, ...all('ENV').map((i) => envPairs(i.args))) as Record<string, string>;
  const workdir = () => last('WORKDIR').args;

  describe('the Dockerfile', () => {
    it('builds on Node 24 slim and installs production dependencies only, from the lock file', () => {
      assert.equal(all('FROM').length, 1);
      assert.match(last('FROM').args, /^node:24(\.[\d.]+)?-(\w+-)?slim(@sha256:[0-9a-f]{64})?$/);
      assert.ok(
        all('RUN').some((i) => /\bnpm ci\b.*--omit=dev/.test(i.args)),
        'RUN npm ci --omit=dev',
      );
      const copied = all('COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
      assert.ok(copied.includes('package-lock.json'), 'the lock file is copied before npm ci');
    });

    it('runs as a non-root user that owns the data volume', () => {
      const user = last('USER').args;
      const [name, group] = user.split(':');
      assert.ok(!['root', '0'].includes(name!) && group !== '0', `USER ${user} is not root`);
      const userIndex = dockerfile.indexOf(last('USER'));
      assert.ok(
        dockerfile.slice(userIndex + 1).every((i) => i.keyword !== 'USER'),
        'nothing switches back',
      );
      const volume = execForm(last('VOLUME').args);
      assert.deepEqual(volume, [imageEnv().RAYGATE_DATA], 'the data folder is the volume');
      assert.ok(
        all('RUN').some((i) => i.args.includes(`chown ${user}`) && i.args.includes(imageEnv().RAYGATE_DATA!)),
        'the data folder belongs to the user (a new named volume copies its owner)',
      );
    });

    it('sets only environment variables raygate reads, and they configure the service as intended', () => {
      const env = imageEnv();
      for (const name of Object.keys(env)) assert.ok(envRead.has(name), `raygate never reads ${name}`);
      const config = loadConfig(env);
      assert.equal(config.server.host, '0.0.0.0', 'listens on every interface inside the container');
      assert.equal(String(config.server.port), last('EXPOSE').args.split('/')[0]);
      assert.ok(path.isAbsolute(config.database.dataDir));
      assert.ok(
        config.gate.policiesDir.startsWith(`${workdir()}/`),
        'the shipped policies are found from any working folder',
      );
      assert.equal(loadConfig({}).server.host, '127.0.0.1', 'outside a container the default stays loopback');
    });

    it('starts raygate serve from the copied sources', () => {
      const entrypoint = execForm(last('ENTRYPOINT').args);
      const cmd = execForm(last('CMD').args);
      assert.equal(entrypoint[0], 'node');
      const script = entrypoint.find((a) => a.endsWith('.js'))!;
      const nodeFlags = entrypoint.slice(1, entrypoint.indexOf(script));
      const node = spawnSync(process.execPath, [...nodeFlags, '-e', '0'], { encoding: 'utf8' });
      assert.equal(node.status, 0, `node accepts ${nodeFlags.join(' ')}: ${node.stderr}`);
      assert.ok(script.startsWith(`${workdir()}/`));
      const copiedTo = all('COPY').map((i) => path.posix.resolve(workdir(), i.args.split(/\s+/).at(-1)!));
      // The web UI is read from WEB_ROOT at run time: an image without it serves an API and no pages.
      for (const needed of ['bin', 'src', 'policies', path.relative(REPO_ROOT, WEB_ROOT)]) {
        assert.ok(copiedTo.includes(path.posix.join(workdir(), needed)), `COPY ${needed}`);
      }
      assert.ok(
        copiedTo.some((dest) => script.startsWith(`${dest}/`)),
        'the entry script is copied',
      );
      assert.deepEqual(cmd, ['serve']);
      assertCliInvocation(cmd);
      assert.equal(last('STOPSIGNAL').args, 'SIGTERM', 'the signal raygate serve stops gracefully on');
    });

    it('keeps in the build context what the image needs and leaves tests and node_modules out', async () => {
      for (const needed of [
        'package.json',
        'package-lock.json',
        'bin/raygate.js',
        'src/main.ts',
        'src/store/migrations/0001_foundation.sql',
        'policies/ray-release.yaml',
        path.join(path.relative(REPO_ROOT, WEB_ROOT), 'index.html'),
      ]) {
        await access(path.join(REPO_ROOT, needed));
        assert.ok(keptByDockerignore(dockerignore, needed), `${needed} is in the build context`);
      }
      for (const left of [
        'node_modules/express/package.json',
        'test/config.test.ts',
        '.git/HEAD',
        'data/pgdata',
      ]) {
        assert.ok(!keptByDockerignore(dockerignore, left), `${left} stays out`);
      }
    });

    it('checks health with a command that passes against a running service and fails without one', async () => {
      const healthcheck = last('HEALTHCHECK').args;
      const match = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(healthcheck);
      assert.ok(match, `HEALTHCHECK uses the exec form: ${healthcheck}`);
      const argv = execForm(match[1]!);
      assert.ok(argv.join(' ').includes('/healthz'));
      const data = await makePgliteDataDir();
      let serve: ServeProcess | undefined;
      try {
        // The image's settings, but on loopback and a free port as tests must.
        serve = await startServe([], {
          ...imageEnv(),
          RAYGATE_HOST: '127.0.0.1',
          RAYGATE_PORT: '0',
          RAYGATE_DATA: data,
          RAYGATE_POLICIES: path.join(REPO_ROOT, 'policies'),
        });
        const port = new URL(serve.url).port;
        assert.equal(await runHealthcheck(argv, { RAYGATE_PORT: port }), 0);
        assert.equal(await serve.stop(), 0);
        assert.equal(await runHealthcheck(argv, { RAYGATE_PORT: port }), 1);
      } finally {
        await serve?.stop();
        await rm(data, { recursive: true, force: true });
      }
    });
  });

  describe('docker-compose.yml', () => {
    it('refuses to start without a database password', () => {
      assert.throws(() => interpolate(composeText, {}), /POSTGRES_PASSWORD/);
    });

    it('builds raygate from this folder, reads the same health path, and runs it read-only with /tmp writable', () => {
      const raygate = compose.services.raygate!;
      assert.equal(typeof raygate.build === 'string' ? raygate.build : raygate.build?.context, '.');
      assert.equal(raygate.read_only, true);
      assert.ok(raygate.tmpfs?.includes('/tmp'), 'Node keeps its compile cache in /tmp');
      assert.equal(raygate.user, undefined, "the image's non-root user applies");
      assertCliInvocation(raygate.command ?? execForm(last('CMD').args));
      const test = raygate.healthcheck?.test ?? [];
      assert.equal(test[0], 'CMD');
      const dockerfileCheck = /CMD\s+(\[.*\])$/.exec(last('HEALTHCHECK').args)![1]!;
      assert.deepEqual(test.slice(1), execForm(dockerfileCheck), 'one health check, stated alike in both');
    });

    it('passes raygate only settings it reads, pointing DATABASE_URL at the db service', () => {
      const raygate = compose.services.raygate!;
      const env = raygate.environment ?? {};
      for (const name of Object.keys(env)) assert.ok(envRead.has(name), `raygate never reads ${name}`);
      const config = loadConfig({ ...imageEnv(), ...env });
      const url = new URL(config.database.url!);
      const db = compose.services[url.hostname];
      assert.ok(db, `DATABASE_URL names service ${url.hostname}`);
      assert.match(db.image ?? '', /^postgres:15([.-]|$)/);
      assert.equal(url.port, '5432');
      assert.equal(url.username, db.environment?.POSTGRES_USER);
      assert.equal(url.password, composeEnv.POSTGRES_PASSWORD);
      assert.equal(db.environment?.POSTGRES_PASSWORD, composeEnv.POSTGRES_PASSWORD);
      assert.equal(url.pathname, `/${db.environment?.POSTGRES_DB}`);
      assert.deepEqual(raygate.depends_on, { [url.hostname]: { condition: 'service_healthy' } });
      const dbCheck = (db.healthcheck?.test ?? []).join(' ');
      assert.match(dbCheck, /pg_isready/);
      assert.match(dbCheck, new RegExp(`-U ${db.environment?.POSTGRES_USER}\\b`));
      assert.match(dbCheck, new RegExp(`-d ${db.environment?.POSTGRES_DB}\\b`));
      const containerPort = (raygate.ports ?? []).map((p) => p.split(':').at(-1));
      assert.deepEqual(containerPort, [String(config.server.port)]);
    });

    it('keeps data in named volumes it declares, the raygate one at the data folder', () => {
      const declared = Object.keys(compose.volumes ?? {});
      const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? []);
      for (const mount of mounts) {
        const source = mount.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) assert.ok(declared.includes(source), source);
      }
      const dataMount = (compose.services.raygate!.volumes ?? []).find((m) =>
        m.endsWith(`:${imageEnv().RAYGATE_DATA}`),
      );
      assert.ok(dataMount && declared.includes(dataMount.split(':')[0]!), 'a named volume at RAYGATE_DATA');
      assert.ok(
        (compose.services.db!.volumes ?? []).some((m) => m.endsWith(':/var/lib/postgresql/data')),
        "PostgreSQL's data survives the container",
      );
    });

    it('documents a first-admin command that raygate accepts and that works against PostgreSQL', async () => {
      const match = /docker compose run --rm (\S+) (.+)$/m.exec(composeText);
      assert.ok(match, 'the compose file says how to create the first token');
      assert.ok(compose.services[match[1]!], `service ${match[1]}`);
      const argv = match[2]!.trim().split(/\s+/);
      assertCliInvocation(argv);
      assert.deepEqual(argv.slice(0, 4), ['tokens', 'create', '--role', 'admin']);
      const url = await (await postgresServer()).createDatabase();
      const run = await runCli(argv, { env: { DATABASE_URL: url } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout.trim(), /^\S{20,}$/, 'prints the token alone on stdout');
    });
  });
});
