import { setTimeout as sleep } from 'node:timers/promises';
import type { ReleaseEvent } from '../../store/repos/release-events.ts';
import type { ReleaseRecord } from '../../store/repos/releases.ts';
import { defineRoute, ok, type Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';
import { RELEASE_ID_PARAMS, visibleRelease } from './release-access.ts';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;
/** A stream ends after this; the client reconnects with Last-Event-ID and misses nothing. */
const STREAM_MS = 10 * 60_000;
const PAGE = 100;

/** Nothing more will happen to the release: rejected, or approved with its VSAs issued (or failed). */
export function isSettled(release: Pick<ReleaseRecord, 'state' | 'vsaState'>): boolean {
  return release.state === 'rejected' || (release.state === 'approved' && release.vsaState !== 'pending');
}

function eventJson(e: ReleaseEvent) {
  return { seq: e.seq, type: e.type, at: e.at.toISOString(), ...e.data };
}

/**
 * A release's events as server-sent events (`Accept: text/event-stream`; resumable with `Last-Event-ID`),
 * or as a JSON long poll: the events after `after`, waiting up to `wait` seconds for the first one.
 */
export function createReleaseEventRoutes(services: ApiServices): Route[] {
  const { gate } = services;
  return [
    defineRoute<undefined, { after?: number; wait: number }, { id: string }>({
      name: 'releaseEvents',
      method: 'get',
      path: '/api/v1/releases/:id/events',
      summary: "The release's events: state changes, evidence parts, decisions, reviews, VSAs.",
      description:
        'With `Accept: text/event-stream`: server-sent events, each with `id` (its sequence number), `event` ' +
        '(state, evidence, decision, approval, rejection, vsa, …) and JSON `data`; reconnect with `Last-Event-ID` to ' +
        'resume. An `end` event closes the stream once the release is settled (rejected, or approved with its VSAs). ' +
        'Otherwise a JSON long poll: `{events, release: {state, vsa}, settled}`, waiting up to `wait` seconds.',
      tags: ['releases'],
      permission: 'release:read',
      params: RELEASE_ID_PARAMS,
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          after: { type: 'integer', minimum: 0, description: 'Only events after this sequence number.' },
          wait: { type: 'integer', minimum: 0, maximum: 60, default: 25 },
        },
      },
      responses: {
        200: {
          description: 'Events (text/event-stream, or JSON for a long poll).',
          schema: {
            type: 'object',
            properties: {
              events: { type: 'array', items: { type: 'object' } },
              release: { type: 'object' },
              settled: { type: 'boolean' },
            },
          },
        },
      },
      handler: async ({ params, query, principal, header, signal }) => {
        const release = await visibleRelease(services, principal, params.id);
        const lastEventId = Number(header('last-event-id') ?? NaN);
        let after = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : (query.after ?? 0);
        if (!(header('accept') ?? '').includes('text/event-stream')) {
          const deadline = Date.now() + query.wait * 1000;
          for (;;) {
            const current = await gate.releases.get(release.id);
            const events = await gate.releases.events(release.id, after, PAGE);
            if (events.length > 0 || isSettled(current) || Date.now() >= deadline || signal.aborted) {
              return ok({
                events: events.map(eventJson),
                release: { state: current.state, vsa: current.vsaState },
                settled: isSettled(current) && events.length < PAGE,
              });
            }
            await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
          }
        }
        return {
          status: 200,
          headers: { 'Cache-Control': 'no-store' },
          contentType: 'text/event-stream; charset=utf-8',
          stream: async (write, streamSignal) => {
            const started = Date.now();
            let beat = Date.now();
            await write('retry: 2000\n\n');
            while (!streamSignal.aborted && Date.now() - started < STREAM_MS) {
              // State first, events second: a settling change commits its event with it, so it is seen.
              const current = await gate.releases.get(release.id);
              const events = await gate.releases.events(release.id, after, PAGE);
              for (const e of events) {
                await write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(eventJson(e))}\n\n`);
                after = e.seq;
                beat = Date.now();
              }
              if (events.length === PAGE) continue;
              if (isSettled(current)) {
                await write(
                  `event: end\ndata: ${JSON.stringify({ state: current.state, vsa: current.vsaState })}\n\n`,
                );
                return;
              }
              if (Date.now() - beat > HEARTBEAT_MS) {
                await write(': keep-alive\n\n');
                beat = Date.now();
              }
              await sleep(POLL_MS, undefined, { signal: streamSignal }).catch(() => undefined);
            }
          },
        };
      },
    }),
  ];
}
