import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDepth } from '../store/repos/jobs.ts';

export interface JobOutcomeSample {
  queue: string;
  outcome: string;
  durationMs: number;
}

/**
 * Prometheus metrics of one service instance, on its own registry (never prom-client's global one, so
 * several apps in one process — tests — do not collide). Process metrics (RSS, heap, event-loop lag) come
 * from prom-client's defaults.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route'>;
  readonly #jobs: Counter<'queue' | 'outcome'>;
  readonly #jobDuration: Histogram<'queue'>;

  constructor(queueDepth: () => Promise<QueueDepth[]>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'raygate_' });
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'raygate_http_requests_total',
      help: 'HTTP requests answered, by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'raygate_http_request_duration_seconds',
      help: 'Time from request to response, by route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#jobs = new Counter({
      name: 'raygate_jobs_processed_total',
      help: 'Job attempts finished by this replica, by queue and outcome.',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    this.#jobDuration = new Histogram({
      name: 'raygate_job_duration_seconds',
      help: 'Duration of job attempts on this replica.',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    });
    new Gauge({
      name: 'raygate_jobs',
      help: 'Jobs in the shared queue by state (all replicas), read from the database at scrape time.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const row of await queueDepth()) this.set({ queue: row.queue, state: row.state }, row.count);
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#duration.observe({ method, route }, seconds);
  }

  observeJob(sample: JobOutcomeSample): void {
    this.#jobs.inc({ queue: sample.queue, outcome: sample.outcome });
    this.#jobDuration.observe({ queue: sample.queue }, sample.durationMs / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
