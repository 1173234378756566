/**
 * Live updates. Every page keeps a websocket to `/live?page=<the page's own URL>` (htmx's ws
 * extension, opened by the layout). When the projection runner applies a batch of events, the
 * hub renders each open page again by asking the app for that URL, so a push is exactly the HTML
 * the page's route renders from its view-model and partials. It picks the page's live regions
 * out of it by id and, when they differ from what that socket last received, sends them as
 * `<hx-partial>` swaps that htmx morphs into place. No polling, and no template is split or
 * duplicated for the websocket's sake.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { RecordedEvent } from '../shared/event.ts';
import { parseQuery } from './query.ts';
import { areaPath } from './urls.ts';

/** The projection runner's `onApplied`: calls the listener after each batch; returns the unsubscribe. */
export type OnApplied = (listener: (events: readonly RecordedEvent[]) => void) => () => void;

export interface LiveOptions {
  onApplied?: OnApplied;
  /** Batches closer together than this reach a socket as one push. */
  coalesceMs?: number;
}

/** The part of `ws`'s WebSocket the hub uses (the package ships no types). */
interface LiveSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'close', listener: () => void): void;
}

const OPEN = 1;
/** RFC 6455 close codes: htmx's ws extension does not reconnect after these. */
const NORMAL = 1000;
const POLICY_VIOLATION = 1008;

/**
 * A page that updates live: the paths it answers and the ids of its live regions, each swapped
 * whole. The team page's forms are deliberately not live: a push must never change what a coach
 * is typing, nor the stream revision an edit form carries back (that is what makes a concurrent
 * edit a 409 instead of a silent overwrite).
 */
interface LivePage {
  path: RegExp;
  regions: readonly string[];
}

const livePages: readonly LivePage[] = [
  { path: /^\/(heatmap)?$/, regions: ['heatmap'] },
  { path: /^\/areas\/[^/]+$/, regions: ['main'] },
  { path: /^\/teams\/[^/]+$/, regions: ['team-head', 'team-scores', 'team-check-in'] },
  { path: /^\/coaches\/[^/]+\/week$/, regions: ['coach-week'] },
];

/** The only parameters the live pages read; anything else in a page URL is left out of its topic. */
const selectionParameters = ['cycle', 'asOf'] as const;

const LiveQuery = z.object({ page: z.string().startsWith('/', { error: 'must be a path on this site, starting with /' }) });

/** Where a socket's page is: the live page kind and the normalised URL that is its topic. */
export interface Topic {
  url: string;
  page: LivePage;
}

/** The topic of a page URL (path and query, as `location` has them), or null when nothing on that page updates live. */
export function topicOf(pageUrl: string): Topic | null {
  const parsed = new URL(pageUrl, 'http://uptake.invalid');
  const page = livePages.find((p) => p.path.test(parsed.pathname));
  if (page === undefined) return null;
  const query = new URLSearchParams();
  for (const name of selectionParameters) {
    const value = parsed.searchParams.get(name);
    if (value !== null) query.set(name, value);
  }
  return { url: `${parsed.pathname}${query.size > 0 ? `?${query.toString()}` : ''}`, page };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const escapeAttribute = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

/**
 * The element with the given id, start tag to matching end tag, as a substring of `html`. Sound
 * for our own templates: they are well formed and escape every `<` in data, so the only tags are
 * real ones.
 */
export function regionOf(html: string, id: string): string | null {
  const start = new RegExp(`<([a-z][a-z0-9]*)\\b[^>]*\\sid="${escapeRegExp(id)}"[^>]*>`, 'i').exec(html);
  if (start === null) return null;
  const tags = new RegExp(`<(/?)${start[1]}\\b[^>]*>`, 'gi');
  tags.lastIndex = start.index + start[0].length;
  let depth = 1;
  for (let tag = tags.exec(html); tag !== null; tag = tags.exec(html)) {
    depth += tag[1] === '/' ? -1 : 1;
    if (depth === 0) return html.slice(start.index, tag.index + tag[0].length);
  }
  return null;
}

/** One swap htmx performs on arrival; `<hx-partial>` parses its content as a template, so table rows survive. */
const partial = (target: string, swap: 'outerMorph' | 'innerMorph', html: string) =>
  `<hx-partial hx-target="${escapeAttribute(target)}" hx-swap="${swap}">${html}</hx-partial>`;

/** Areas whose team rows the page can unfold in place (`areaRow`'s `tbody#teams-<areaId>`). */
const unfoldableAreas = (html: string): string[] => [...new Set([...html.matchAll(/\sid="teams-([^"]+)"/g)].map((m) => m[1]!))];

/**
 * What a socket on `topic` is sent: its live regions, morphed so focus and scroll stay put. The
 * heatmap and area pages fold each area's team rows in and out in the browser, and a morph of the
 * region would fold them away, so the rows of every area are re-sent too, aimed at its team rows
 * only while they are unfolded (`:not(:empty)`). Null when the page is gone (404 and the like).
 */
async function renderTopic(app: FastifyInstance, topic: Topic): Promise<string | null> {
  const page = await app.inject({ method: 'GET', url: topic.url });
  // 422: a page with a rejected parameter still renders, with the message beside its field.
  if (page.statusCode !== 200 && page.statusCode !== 422) return null;
  const regions = topic.page.regions.flatMap((id) => {
    const html = regionOf(page.body, id);
    return html === null ? [] : [{ id, html }];
  });
  const search = topic.url.includes('?') ? topic.url.slice(topic.url.indexOf('?')) : '';
  const unfolded = await Promise.all(
    unfoldableAreas(regions.map((r) => r.html).join('')).map(async (areaId) => {
      const rows = await app.inject({ method: 'GET', url: `${areaPath(areaId)}${search}`, headers: { 'hx-request': 'true' } });
      return rows.statusCode === 200 ? partial(`[id="teams-${areaId}"]:not(:empty)`, 'innerMorph', rows.body) : '';
    }),
  );
  return [...regions.map((r) => partial(`#${r.id}`, 'outerMorph', r.html)), ...unfolded].join('\n');
}

interface Subscriber {
  topic: Topic;
  /** The last message sent, so an unchanged page is not pushed again. */
  sent: string | null;
}

/**
 * The open sockets and what each shows. A connecting socket is sent its page at once (the page
 * may have changed between its render and the socket opening, or while the server restarted).
 * After that, a batch of events marks every socket due; due sockets are served together after
 * `coalesceMs`, rendering each topic once, so a burst of events is one push per socket.
 */
class LiveHub {
  private readonly subscribers = new Map<LiveSocket, Subscriber>();
  private readonly due = new Set<LiveSocket>();
  private timer: NodeJS.Timeout | undefined;
  /** Pushes go out one flush at a time, so a slow render never overtakes a newer one. */
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly render: (topic: Topic) => Promise<string | null>,
    private readonly coalesceMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  add(socket: LiveSocket, topic: Topic): void {
    this.subscribers.set(socket, { topic, sent: null });
    socket.on('close', () => {
      this.subscribers.delete(socket);
      this.due.delete(socket);
    });
    this.due.add(socket);
    this.schedule(0);
  }

  /** Something changed: every open page may show it. */
  changed(): void {
    for (const socket of this.subscribers.keys()) this.due.add(socket);
    this.schedule(this.coalesceMs);
  }

  /** Cancels pending pushes. The sockets are closed by @fastify/websocket as the server closes. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush()).catch(this.onError);
    }, delayMs);
  }

  private async flush(): Promise<void> {
    const sockets = [...this.due];
    this.due.clear();
    const renders = new Map<string, Promise<string | null>>();
    for (const socket of sockets) {
      const subscriber = this.subscribers.get(socket);
      if (subscriber === undefined) continue;
      const { url } = subscriber.topic;
      if (!renders.has(url)) renders.set(url, this.render(subscriber.topic));
      let message: string | null;
      try {
        message = await renders.get(url)!;
      } catch (error) {
        this.onError(error);
        continue;
      }
      if (message === null) socket.close(NORMAL, 'this page no longer exists');
      else if (message !== subscriber.sent && socket.readyState === OPEN) {
        socket.send(message);
        subscriber.sent = message;
      }
    }
  }
}

/**
 * `GET /live?page=<path and query of the page>` upgraded to a websocket. A page with nothing live
 * (the timeline, an error page) is closed normally, so the browser does not retry. When the server
 * shuts down, @fastify/websocket closes every socket without a status (1005), which the browser's
 * ws extension answers by reconnecting, with backoff, until the server is back.
 */
export const liveRoutes: FastifyPluginAsync<LiveOptions> = async (app, { onApplied, coalesceMs = 150 }) => {
  const hub = new LiveHub((topic) => renderTopic(app, topic), coalesceMs, (error) => app.log.error({ err: error }, 'live update failed'));
  const unsubscribe = onApplied?.(() => hub.changed());
  app.addHook('preClose', async () => {
    unsubscribe?.();
    hub.stop();
  });

  app.get('/live', { websocket: true }, (socket: LiveSocket, request) => {
    let page: string;
    try {
      ({ page } = parseQuery(LiveQuery, request.query));
    } catch (error) {
      socket.close(POLICY_VIOLATION, (error as Error).message.slice(0, 120));
      return;
    }
    const topic = topicOf(page);
    if (topic === null) socket.close(NORMAL, 'nothing on this page updates live');
    else hub.add(socket, topic);
  });
};
