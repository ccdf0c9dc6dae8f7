import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { LOG_LEVELS, type LogLevel } from './shared/log.ts';
import { RaygateError } from './shared/errors.ts';
import { parseDuration } from './shared/duration.ts';
import { assertAllowedHost } from './shared/http-client.ts';
import { DEFAULT_HOST, DEFAULT_PORT } from './shared/service-defaults.ts';
import {
  applyDigestFile,
  checkDigest,
  DIGEST_CONFIG_DEFAULTS,
  DIGEST_FILE_SCHEMA,
  type DigestConfig,
  type DigestFileData,
} from './config/digest-config.ts';

export { DEFAULT_HOST, DEFAULT_PORT, parseDuration };

/**
 * The service's settings, validated once at start-up. Sources, lowest precedence first: built-in defaults,
 * a YAML/JSON file (`RAYGATE_CONFIG`), environment variables. Each module receives only its slice
 * (`config.server`, `config.jobs`, …), never the whole object.
 */
export interface Config {
  database: DatabaseConfig;
  server: ServerConfig;
  log: LogConfig;
  auth: AuthConfig;
  rateLimits: RateLimitsConfig;
  jobs: JobsConfig;
  gate: GateConfig;
  digest: DigestConfig;
}

export interface DatabaseConfig {
  /** A PostgreSQL server (`postgres://…`); when absent the embedded store (PGlite) under `dataDir` is used. */
  url: string | undefined;
  /** The folder for embedded data (`RAYGATE_DATA`, default `./data`). */
  dataDir: string;
  /** Connections per replica to a PostgreSQL server. */
  poolMax: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  /**
   * Proxies whose `X-Forwarded-For` is believed when deciding a client's address (for per-IP rate limits and
   * logs): addresses, CIDR ranges, or express's names `loopback`, `linklocal`, `uniquelocal`. Empty: none.
   */
  trustedProxies: string[];
  /** Largest JSON request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** How long a graceful shutdown waits for in-flight requests and jobs. */
  shutdownGraceMs: number;
  /** A request taking longer than this is answered 503 by Node's HTTP server. */
  requestTimeoutMs: number;
}

export interface LogConfig {
  level: LogLevel;
}

export interface AuthConfig {
  oidc: OidcIssuerConfig[];
}

/** An OpenID Connect issuer whose ID tokens (e.g. GitHub Actions') may submit for mapped projects. */
export interface OidcIssuerConfig {
  issuer: string;
  jwksUrl: string;
  audiences: string[];
  algorithms: string[];
  clockToleranceSeconds: number;
  maxTokenAgeSeconds: number;
  jwksCacheSeconds: number;
  /** Least time between two key-set fetches: a token naming an unknown key refetches at most this often. */
  jwksCooldownSeconds: number;
  projects: OidcProjectMapping[];
}

/** Tokens whose `repository` claim equals `repository` (and `ref` matches one of `refs`) act for `project`. */
export interface OidcProjectMapping {
  project: string;
  repository: string;
  /** Glob patterns (`*` matches any run of characters) over the `ref` claim; empty means any ref. */
  refs: string[];
}

export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

export interface RateLimitsConfig {
  /** Every API request, keyed by client address (before authentication, so guessing tokens is slow too). */
  perIp: RateLimit;
  /** Mutating requests, keyed by the authenticated token or OIDC subject. */
  perPrincipal: RateLimit;
}

export interface JobsConfig {
  /** Run the job worker and scheduler in this process (an API-only replica sets false). */
  enabled: boolean;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  schedulerTickMs: number;
}

/** The release gate: policies, where evidence comes from, the registries it may reach, VSA signing. */
export interface GateConfig {
  /** Folder of release policies, one `<name>.yaml` each (`RAYGATE_POLICIES`, default `./policies`). */
  policiesDir: string;
  /** The policy a release is judged by when its submission names none. */
  defaultPolicy: string;
  /**
   * The service's address as clients reach it (`RAYGATE_PUBLIC_URL`), for links in VSAs (policy and
   * release URIs). Default: the address it listens on.
   */
  publicUrl: string | undefined;
  advisories: GateAdvisoriesConfig;
  trust: GateTrustConfig;
  /**
   * The only registries evidence is fetched from: an image whose registry is not listed is refused at
   * submission, so a request can never make the service fetch from a host the operator did not name.
   */
  registries: GateRegistryConfig[];
  /** Folder holding Docker's config.json with registry credentials (default `$DOCKER_CONFIG` or `~/.docker`). */
  dockerConfigDir: string | undefined;
  /** PEM file of extra CA certificates trusted for registries. */
  registryCaFile: string | undefined;
  vsa: GateVsaConfig;
  limits: GateLimitsConfig;
  packageIndex: GatePackageIndexConfig;
  /** How often releases awaiting approval are judged again (exceptions expire, advisories change). */
  reevaluateEveryMs: number;
}

export interface GateAdvisoriesConfig {
  /** `mirror`: the local OSV mirror (`raygate osv sync|import`); `online`: the OSV API. */
  source: 'mirror' | 'online';
  /** Mirror folder (`RAYGATE_OSV_DB`); default `<database.dataDir>/osv`. */
  mirrorDir: string | undefined;
  /** OSV API base URL for `online`. */
  apiUrl: string | undefined;
}

export interface GateTrustConfig {
  /** trusted_root.json files of the Sigstore instances trusted; empty: public-good through TUF. */
  trustedRoots: string[];
  /** PEM public keys accepted for key-signed bundles (cosign sign --key). */
  keys: string[];
  /** Never refresh TUF metadata over the network (use the cache or the root shipped with raygate). */
  offline: boolean;
}

export interface GateRegistryConfig {
  /** `host[:port]` exactly as image references name it (`ghcr.io`, `registry.internal:5000`). */
  host: string;
  /** Plain HTTP (a loopback or test registry). */
  insecure: boolean;
  /** Attach VSAs to approved images there as OCI referrers (needs push credentials). */
  push: boolean;
}

export interface GateVsaConfig {
  /** `verifier.id` of every VSA; default the public URL. */
  verifierId: string | undefined;
  /** ECDSA P-256 private key (PEM); default `<database.dataDir>/vsa-signing-key.pem`, created on first start. */
  keyFile: string | undefined;
  /** Sign keylessly (Fulcio) instead, with an OIDC token read from a file at each signing. */
  keyless: GateKeylessConfig | undefined;
}

export interface GateKeylessConfig {
  fulcioUrl: string;
  rekorUrl: string | undefined;
  tsaUrl: string | undefined;
  /** A file holding the OIDC identity token (e.g. a projected service-account token), read at each signing. */
  identityTokenFile: string;
}

/** The index asked when pinned releases were uploaded (the cooldown rule's evidence). */
export interface GatePackageIndexConfig {
  /** Ask at all (`RAYGATE_INDEX_LOOKUPS=on|off`); off: every upload time is unknown, saying lookups are off. */
  lookups: boolean;
  /** Base URL of an index speaking PyPI's JSON API (`https://pypi.org`, or a mirror of it). */
  url: string;
  /**
   * Hosts lookups may go to; `url`'s host must be one of them, so a configuration change cannot silently
   * send every pinned name somewhere new. Plain http only on a loopback address.
   */
  allowedHosts: string[];
  /** Lookups at once. */
  concurrency: number;
  /** Requests (retries included) one collection may send; pins beyond it stay unknown. */
  maxRequests: number;
  /** Per request. */
  timeoutMs: number;
}

export interface GateLimitsConfig {
  /** Largest submission body (documents travel base64 inside it). */
  maxSubmissionBytes: number;
  /** Largest single uploaded document once decoded. */
  maxDocumentBytes: number;
  maxArtifacts: number;
  /** Uploaded SBOMs, bundles, lock files and manifests together. */
  maxDocuments: number;
}

export interface ConfigFile {
  /** Shown in error messages. */
  path: string;
  text: string;
}

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

const DEFAULTS: Config = {
  database: { url: undefined, dataDir: './data', poolMax: 10 },
  server: {
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    trustedProxies: [],
    bodyLimitBytes: 1024 * 1024,
    shutdownGraceMs: 10_000,
    requestTimeoutMs: 60_000,
  },
  log: { level: 'info' },
  auth: { oidc: [] },
  rateLimits: {
    perIp: { requests: 600, windowSeconds: 60 },
    perPrincipal: { requests: 120, windowSeconds: 60 },
  },
  jobs: {
    enabled: true,
    concurrency: 2,
    pollIntervalMs: 1000,
    leaseMs: 30_000,
    maxAttempts: 5,
    backoffBaseMs: 5000,
    backoffMaxMs: 15 * 60_000,
    schedulerTickMs: 5000,
  },
  gate: {
    policiesDir: './policies',
    defaultPolicy: 'ray-release',
    publicUrl: undefined,
    advisories: { source: 'mirror', mirrorDir: undefined, apiUrl: undefined },
    trust: { trustedRoots: [], keys: [], offline: false },
    registries: [],
    dockerConfigDir: undefined,
    registryCaFile: undefined,
    vsa: { verifierId: undefined, keyFile: undefined, keyless: undefined },
    limits: {
      maxSubmissionBytes: 48 * 1024 * 1024,
      maxDocumentBytes: 32 * 1024 * 1024,
      maxArtifacts: 50,
      maxDocuments: 200,
    },
    packageIndex: {
      lookups: true,
      url: 'https://pypi.org',
      allowedHosts: ['pypi.org'],
      concurrency: 8,
      maxRequests: 500,
      timeoutMs: 10_000,
    },
    reevaluateEveryMs: 15 * 60_000,
  },
  digest: DIGEST_CONFIG_DEFAULTS,
};

const OIDC_DEFAULTS = {
  algorithms: ['RS256'],
  clockToleranceSeconds: 60,
  maxTokenAgeSeconds: 3600,
  jwksCacheSeconds: 600,
  jwksCooldownSeconds: 30,
};

const positiveInt = { type: 'integer', minimum: 1 } as const;

/** Policy names: the file name in the policies folder without `.yaml`. */
export const POLICY_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const rateLimitSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { requests: positiveInt, windowSeconds: positiveInt },
} as const;

/** The file's schema: every key optional (defaults fill in), nothing unknown accepted. */
const FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    database: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^postgres(ql)?://' },
        dataDir: { type: 'string', minLength: 1 },
        poolMax: { type: 'integer', minimum: 1, maximum: 1000 },
      },
    },
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        trustedProxies: { type: 'array', items: { type: 'string', minLength: 1 } },
        bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 1024 * 1024 * 1024 },
        shutdownGraceMs: { type: 'integer', minimum: 0 },
        requestTimeoutMs: positiveInt,
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: [...LOG_LEVELS] } },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        oidc: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['issuer', 'audiences', 'projects'],
            properties: {
              issuer: { type: 'string', minLength: 1 },
              jwksUrl: { type: 'string', minLength: 1 },
              audiences: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
              algorithms: {
                type: 'array',
                minItems: 1,
                items: { enum: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256', 'EdDSA'] },
              },
              clockToleranceSeconds: { type: 'integer', minimum: 0, maximum: 600 },
              maxTokenAgeSeconds: positiveInt,
              jwksCacheSeconds: { type: 'integer', minimum: 0 },
              jwksCooldownSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
              projects: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['project', 'repository'],
                  properties: {
                    project: { type: 'string', minLength: 1 },
                    repository: { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$' },
                    refs: { type: 'array', items: { type: 'string', minLength: 1 } },
                  },
                },
              },
            },
          },
        },
      },
    },
    rateLimits: {
      type: 'object',
      additionalProperties: false,
      properties: { perIp: rateLimitSchema, perPrincipal: rateLimitSchema },
    },
    jobs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        concurrency: { type: 'integer', minimum: 1, maximum: 64 },
        pollIntervalMs: { type: 'integer', minimum: 10 },
        leaseMs: { type: 'integer', minimum: 500 },
        maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
        backoffBaseMs: { type: 'integer', minimum: 0 },
        backoffMaxMs: { type: 'integer', minimum: 0 },
        schedulerTickMs: { type: 'integer', minimum: 10 },
      },
    },
    gate: {
      type: 'object',
      additionalProperties: false,
      properties: {
        policiesDir: { type: 'string', minLength: 1 },
        defaultPolicy: { type: 'string', pattern: POLICY_NAME_PATTERN },
        publicUrl: { type: 'string', pattern: '^https?://' },
        advisories: {
          type: 'object',
          additionalProperties: false,
          properties: {
            source: { enum: ['mirror', 'online'] },
            mirrorDir: { type: 'string', minLength: 1 },
            apiUrl: { type: 'string', pattern: '^https?://' },
          },
        },
        trust: {
          type: 'object',
          additionalProperties: false,
          properties: {
            trustedRoots: { type: 'array', items: { type: 'string', minLength: 1 } },
            keys: { type: 'array', items: { type: 'string', minLength: 1 } },
            offline: { type: 'boolean' },
          },
        },
        registries: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['host'],
            properties: {
              host: {
                type: 'string',
                pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?$',
              },
              insecure: { type: 'boolean' },
              push: { type: 'boolean' },
            },
          },
        },
        dockerConfigDir: { type: 'string', minLength: 1 },
        registryCaFile: { type: 'string', minLength: 1 },
        vsa: {
          type: 'object',
          additionalProperties: false,
          properties: {
            verifierId: { type: 'string', minLength: 1 },
            keyFile: { type: 'string', minLength: 1 },
            keyless: {
              type: 'object',
              additionalProperties: false,
              required: ['fulcioUrl', 'identityTokenFile'],
              properties: {
                fulcioUrl: { type: 'string', pattern: '^https?://' },
                rekorUrl: { type: 'string', pattern: '^https?://' },
                tsaUrl: { type: 'string', pattern: '^https?://' },
                identityTokenFile: { type: 'string', minLength: 1 },
              },
            },
          },
        },
        limits: {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxSubmissionBytes: { type: 'integer', minimum: 1024, maximum: 1024 * 1024 * 1024 },
            maxDocumentBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024 },
            maxArtifacts: { type: 'integer', minimum: 1, maximum: 1000 },
            maxDocuments: { type: 'integer', minimum: 0, maximum: 10_000 },
          },
        },
        packageIndex: {
          type: 'object',
          additionalProperties: false,
          properties: {
            lookups: { type: 'boolean' },
            url: { type: 'string', pattern: '^https?://' },
            allowedHosts: {
              type: 'array',
              maxItems: 100,
              items: { type: 'string', minLength: 1, maxLength: 260 },
            },
            concurrency: { type: 'integer', minimum: 1, maximum: 64 },
            maxRequests: { type: 'integer', minimum: 1, maximum: 100_000 },
            timeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
          },
        },
        reevaluateEveryMs: { type: 'integer', minimum: 1000 },
      },
    },
    digest: DIGEST_FILE_SCHEMA,
  },
} as const;

const validateFile = new Ajv({ allErrors: false, strict: true }).compile(FILE_SCHEMA);

/** Reads settings from `env` (process.env) over `file` over the defaults; throws CONFIG_INVALID naming the setting. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, file?: ConfigFile): Config {
  const config = structuredClone(DEFAULTS);
  if (file) applyFile(config, file);
  applyEnv(config, env);
  if (config.jobs.backoffMaxMs < config.jobs.backoffBaseMs) {
    throw invalid('jobs.backoffMaxMs', 'must be at least jobs.backoffBaseMs');
  }
  for (const issuer of config.auth.oidc) checkIssuer(issuer);
  checkGate(config.gate);
  checkDigest(config.digest);
  return config;
}

function applyFile(config: Config, file: ConfigFile): void {
  let data: unknown;
  try {
    data = parseYaml(file.text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (error) {
    throw new RaygateError(
      'CONFIG_INVALID',
      'usage',
      `${file.path}: not YAML or JSON: ${(error as Error).message}`,
    );
  }
  data ??= {};
  if (!validateFile(data)) {
    throw new RaygateError(
      'CONFIG_INVALID',
      'usage',
      `${file.path}: ${describeSchemaError(validateFile.errors?.[0])}`,
    );
  }
  const given = data as ConfigFileData;
  Object.assign(config.database, given.database);
  Object.assign(config.server, given.server);
  Object.assign(config.log, given.log);
  Object.assign(config.rateLimits, given.rateLimits);
  Object.assign(config.jobs, given.jobs);
  if (given.gate) applyGateFile(config.gate, given.gate);
  if (given.digest) applyDigestFile(config.digest, given.digest);
  config.auth.oidc = (given.auth?.oidc ?? []).map((issuer) => ({
    ...OIDC_DEFAULTS,
    ...issuer,
    jwksUrl: issuer.jwksUrl ?? defaultJwksUrl(issuer.issuer),
    projects: issuer.projects.map((p) => ({
      project: p.project,
      repository: p.repository,
      refs: p.refs ?? [],
    })),
  }));
}

function applyGateFile(gate: GateConfig, given: GateFileData): void {
  const { advisories, trust, vsa, limits, registries, packageIndex, ...plain } = given;
  Object.assign(gate, plain);
  Object.assign(gate.packageIndex, packageIndex);
  Object.assign(gate.advisories, advisories);
  Object.assign(gate.trust, trust);
  Object.assign(gate.limits, limits);
  if (vsa) {
    const { keyless, ...rest } = vsa;
    Object.assign(gate.vsa, rest);
    if (keyless) {
      gate.vsa.keyless = {
        fulcioUrl: keyless.fulcioUrl,
        rekorUrl: keyless.rekorUrl,
        tsaUrl: keyless.tsaUrl,
        identityTokenFile: keyless.identityTokenFile,
      };
    }
  }
  if (registries) {
    gate.registries = registries.map((r) => ({
      host: r.host.toLowerCase(),
      insecure: r.insecure ?? false,
      push: r.push ?? false,
    }));
  }
}

function applyEnv(config: Config, env: Readonly<Record<string, string | undefined>>): void {
  const value = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const url = value('DATABASE_URL');
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw invalid('DATABASE_URL', 'must start with postgres:// or postgresql://');
    config.database.url = url;
  }
  config.database.dataDir = value('RAYGATE_DATA') ?? config.database.dataDir;
  config.server.host = value('RAYGATE_HOST') ?? config.server.host;
  const port = value('RAYGATE_PORT');
  if (port !== undefined) config.server.port = parseIntSetting('RAYGATE_PORT', port, 0, 65535);
  const level = value('RAYGATE_LOG_LEVEL');
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw invalid('RAYGATE_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
    }
    config.log.level = level as LogLevel;
  }
  const proxies = value('RAYGATE_TRUSTED_PROXIES');
  if (proxies !== undefined) {
    config.server.trustedProxies = proxies
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  }
  const body = value('RAYGATE_BODY_LIMIT');
  if (body !== undefined) config.server.bodyLimitBytes = parseByteSize('RAYGATE_BODY_LIMIT', body);
  const perIp = value('RAYGATE_RATE_LIMIT_PER_IP');
  if (perIp !== undefined) config.rateLimits.perIp = parseRate('RAYGATE_RATE_LIMIT_PER_IP', perIp);
  const perPrincipal = value('RAYGATE_RATE_LIMIT_PER_TOKEN');
  if (perPrincipal !== undefined)
    config.rateLimits.perPrincipal = parseRate('RAYGATE_RATE_LIMIT_PER_TOKEN', perPrincipal);
  config.gate.policiesDir = value('RAYGATE_POLICIES') ?? config.gate.policiesDir;
  const publicUrl = value('RAYGATE_PUBLIC_URL');
  if (publicUrl !== undefined) {
    if (!parseUrl(publicUrl) || !/^https?:\/\//.test(publicUrl))
      throw invalid('RAYGATE_PUBLIC_URL', 'must be an http(s) URL');
    config.gate.publicUrl = publicUrl.replace(/\/+$/, '');
  }
  config.gate.advisories.mirrorDir = value('RAYGATE_OSV_DB') ?? config.gate.advisories.mirrorDir;
  config.gate.vsa.keyFile = value('RAYGATE_VSA_KEY') ?? config.gate.vsa.keyFile;
  const lookups = value('RAYGATE_INDEX_LOOKUPS');
  if (lookups !== undefined) {
    if (lookups !== 'on' && lookups !== 'off') throw invalid('RAYGATE_INDEX_LOOKUPS', 'must be on or off');
    config.gate.packageIndex.lookups = lookups === 'on';
  }
  const jobs = value('RAYGATE_JOBS');
  if (jobs !== undefined) {
    if (jobs !== 'on' && jobs !== 'off') throw invalid('RAYGATE_JOBS', 'must be on or off');
    config.jobs.enabled = jobs === 'on';
  }
}

function checkGate(gate: GateConfig): void {
  if (gate.publicUrl !== undefined) gate.publicUrl = gate.publicUrl.replace(/\/+$/, '');
  const hosts = new Set<string>();
  for (const registry of gate.registries) {
    if (hosts.has(registry.host)) throw invalid('gate.registries', `lists ${registry.host} twice`);
    hosts.add(registry.host);
  }
  if (gate.advisories.source === 'online' && gate.advisories.apiUrl !== undefined) {
    if (!parseUrl(gate.advisories.apiUrl)) throw invalid('gate.advisories.apiUrl', 'must be a URL');
  }
  if (gate.packageIndex.lookups) checkPackageIndex(gate.packageIndex);
  if (gate.limits.maxDocumentBytes > gate.limits.maxSubmissionBytes) {
    throw invalid('gate.limits.maxDocumentBytes', 'must not exceed gate.limits.maxSubmissionBytes');
  }
}

function checkPackageIndex(index: GatePackageIndexConfig): void {
  const url = parseUrl(index.url);
  if (!url) throw invalid('gate.packageIndex.url', 'must be a URL');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw invalid('gate.packageIndex.url', 'must use https (plain http only on a loopback address)');
  }
  try {
    assertAllowedHost(url, index.allowedHosts, { name: 'package index', codePrefix: 'PYPI' });
  } catch {
    throw invalid(
      'gate.packageIndex.url',
      `points at ${url.host}, which gate.packageIndex.allowedHosts does not list`,
    );
  }
  index.url = index.url.replace(/\/+$/, '');
}

function checkIssuer(issuer: OidcIssuerConfig): void {
  const where = `auth.oidc[${issuer.issuer}]`;
  const issuerUrl = parseUrl(issuer.issuer);
  if (!issuerUrl) throw invalid(`${where}.issuer`, 'must be a URL');
  const jwks = parseUrl(issuer.jwksUrl);
  if (!jwks) throw invalid(`${where}.jwksUrl`, 'must be a URL');
  // Keys fetched over plain HTTP could be swapped in transit; only a loopback address (tests, a sidecar) may skip TLS.
  if (jwks.protocol !== 'https:' && !(jwks.protocol === 'http:' && isLoopbackHost(jwks.hostname))) {
    throw invalid(`${where}.jwksUrl`, 'must use https (plain http only on a loopback address)');
  }
  if (issuer.projects.length === 0)
    throw invalid(`${where}.projects`, 'must map at least one repository to a project');
}

/** GitHub publishes its keys under the issuer's `/.well-known/jwks`; other issuers must say where. */
function defaultJwksUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks`;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    hostname === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}

function parseIntSetting(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw invalid(name, 'must be a whole number');
  const n = Number(text);
  if (n < min || n > max) throw invalid(name, `must be between ${min} and ${max}`);
  return n;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

/** `1048576`, `512kb`, `1mb`. */
export function parseByteSize(name: string, text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw invalid(name, 'must be a size such as 1048576, 512kb or 1mb');
  const bytes = Number(match[1]) * unit;
  if (bytes < 1024 || bytes > 1024 ** 3) throw invalid(name, 'must be between 1kb and 1gb');
  return bytes;
}

/** `120/60s`, `600/1m` — requests per window. */
function parseRate(name: string, text: string): RateLimit {
  const match = /^(\d+)\/(\d+[smh])$/.exec(text);
  if (!match || Number(match[1]) < 1)
    throw invalid(name, 'must look like 120/1m (requests per window: s, m or h)');
  const windowMs = parseDuration(match[2]!);
  if (windowMs === undefined || windowMs < 1000) throw invalid(name, 'window must be at least 1s');
  return { requests: Number(match[1]), windowSeconds: windowMs / 1000 };
}

function invalid(setting: string, reason: string): RaygateError {
  return new RaygateError('CONFIG_INVALID', 'usage', `${setting} ${reason}`);
}

function describeSchemaError(error: ErrorObject | undefined): string {
  if (!error) return 'invalid';
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : '(top level)';
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown setting '${String(error.params.additionalProperty)}'`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** The file's shape once FILE_SCHEMA accepted it. */
interface ConfigFileData {
  database?: Partial<DatabaseConfig>;
  server?: Partial<ServerConfig>;
  log?: Partial<LogConfig>;
  auth?: {
    oidc?: (Partial<OidcIssuerConfig> & {
      issuer: string;
      audiences: string[];
      projects: (Omit<OidcProjectMapping, 'refs'> & { refs?: string[] })[];
    })[];
  };
  rateLimits?: Partial<RateLimitsConfig>;
  jobs?: Partial<JobsConfig>;
  gate?: GateFileData;
  digest?: DigestFileData;
}

type GateFileData = Partial<
  Omit<GateConfig, 'advisories' | 'trust' | 'vsa' | 'limits' | 'registries' | 'packageIndex'>
> & {
  packageIndex?: Partial<GatePackageIndexConfig>;
  advisories?: Partial<GateAdvisoriesConfig>;
  trust?: Partial<GateTrustConfig>;
  vsa?: Partial<Omit<GateVsaConfig, 'keyless'>> & {
    keyless?: Partial<GateKeylessConfig> & { fulcioUrl: string; identityTokenFile: string };
  };
  limits?: Partial<GateLimitsConfig>;
  registries?: { host: string; insecure?: boolean; push?: boolean }[];
};
