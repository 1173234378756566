/**
 * Live updates. Every page keeps a websocket to `/live?page=<the page's own URL>` (htmx's ws
 * extension, opened by the layout). A page that updates live declares, beside its route, its
 * live regions (`livePage`): each region's element id, the partial that renders it, the events
 * that can change it and, for the whole page, how its parameters become a view-model. After a
 * batch of events the hub renders each affected (topic, region) once, with the partial itself,
 * and sends the same `<hx-partial>` swap to every socket on that topic; a topic no event touches
 * renders nothing. Forms are never in a live region: a push must not change what someone is
 * typing, nor the stream revision an edit form carries back (that is what makes a concurrent
 * edit a 409 instead of a silent overwrite).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { NotFoundError } from '../shared/errors.ts';
import type { RecordedEvent } from '../shared/event.ts';
import { parseStreamName } from '../shared/streams.ts';
import { hxPartial, type Views } from './views.ts';

/** The projection runner's `onApplied`: calls the listener after each batch; returns the unsubscribe. */
export type OnApplied = (listener: (events: readonly RecordedEvent[]) => void) => () => void;

/**
 * How many sockets the hub keeps. A browser holds one per open tab, so 20 from one client is
 * generous for a person (an office behind one NAT may need more: raise it); 500 in all keeps a
 * push to everyone within the 250 ms budget on two cores (BENCHMARKS.md, "Live pushes"). What a
 * write costs is one render per distinct page followed (a topic), not per socket, so one client
 * may follow at most 10 different pages: 20 sockets on 20 made-up dates cannot make every write
 * render 20 heatmaps. A socket follows exactly one page, the one it was opened for.
 */
export interface LiveLimits {
  perClient: number;
  topicsPerClient: number;
  total: number;
}
export const LIVE_LIMITS: LiveLimits = { perClient: 20, topicsPerClient: 10, total: 500 };

/**
 * Whose a socket is, for the per-client bounds: its signed-in session (a person's tabs in one
 * browser are one client, wherever they connect from). Only a signed-in request reaches `/live`.
 */
export type ClientOf = (request: FastifyRequest) => string;
export const bySession: ClientOf = (request) => request.session.sessionId;

export interface LiveOptions {
  views: Views;
  /** Every page that updates live. */
  pages: readonly LivePage[];
  onApplied?: OnApplied;
  /** Batches closer together than this reach a socket as one push (the first after a quiet spell goes at once). */
  coalesceMs?: number;
  limits?: Partial<LiveLimits>;
  clientOf?: ClientOf;
  /** TLS is terminated in front: a page's origin is `https://` its host. */
  tls: boolean;
}

/** A live region: an element a partial renders whole, from the page's view-model. */
interface RegionBase<P> {
  /** The id of the element the partial renders (or, for `each`, a name for the kind of element). */
  id: string;
  partial: string;
  /** Whether the event may change what this region shows on a page with these parameters. */
  affectedBy: (event: RecordedEvent, params: P) => boolean;
}

export type LiveRegion<P, M> = RegionBase<P> &
  (
    | {
        /** The partial's view-model, out of the page's. */
        view: (model: M) => object;
        /** `innerMorph` when the partial renders the element's content rather than the element (default `outerMorph`). */
        swap?: 'outerMorph' | 'innerMorph';
      }
    | {
        /**
         * One partial per item, morphed inside the element with the item's id only while it has
         * content: the heatmap's team rows, which the reader unfolds in the browser and a push
         * of the area rows would otherwise fold away.
         */
        each: (model: M) => readonly { id: string; view: object }[];
      }
  );

export interface LivePageDeclaration<P, M> {
  /** The page's path; its named groups and the query string are what `params` parses. */
  path: RegExp;
  /** The parameters the page reads; anything else in its URL is not part of its topic. */
  params: z.ZodType<P>;
  /** What the page shows for these parameters; null, or a NotFoundError, when there is no such subject (unknown team…). */
  load: (params: P) => M | null;
  regions: readonly LiveRegion<P, M>[];
}

/** One page's rendering for one set of parameters: what sockets showing the same thing share. */
export interface Topic {
  /** The page's path and its parameters, normalised: equal for every URL that shows the same. */
  key: string;
  regions: readonly string[];
  /** The regions a batch of events may change. */
  affected(events: readonly RecordedEvent[]): string[];
  /** Each named region's swap, as sent; null when the page's subject does not exist. */
  render(views: Views, regions: readonly string[]): Map<string, string> | null;
}

export interface LivePage {
  /** Null when the URL is not this page; `refused` says which parameter is wrong and why. */
  topicOf(url: URL): Topic | { refused: string } | null;
}

/** The page's model, or null when the route would answer 404. */
function loaded<M>(load: () => M | null): M | null {
  try {
    return load();
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** Declares a page's live regions; the hub sees only the topics it makes. */
export function livePage<P, M>(page: LivePageDeclaration<P, M>): LivePage {
  return {
    topicOf(url) {
      const match = page.path.exec(url.pathname);
      if (match === null) return null;
      let groups: Record<string, string>;
      try {
        groups = Object.fromEntries(Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]));
      } catch {
        return { refused: 'page is not a valid path' };
      }
      const parsed = page.params.safeParse({ ...Object.fromEntries(url.searchParams), ...groups });
      if (!parsed.success) {
        const [issue] = parsed.error.issues;
        return { refused: `${issue?.path.join('.') || 'page'} ${issue?.message ?? 'is not valid'}` };
      }
      const params = parsed.data;
      return {
        key: `${page.path.source} ${JSON.stringify(params, (_, value) => (typeof value === 'bigint' ? String(value) : value))}`,
        regions: page.regions.map((r) => r.id),
        affected: (events) => page.regions.filter((r) => events.some((e) => r.affectedBy(e, params))).map((r) => r.id),
        render(views, ids) {
          const model = loaded(() => page.load(params));
          if (model === null) return null;
          const html = new Map<string, string>();
          for (const region of page.regions) {
            if (!ids.includes(region.id)) continue;
            html.set(
              region.id,
              'view' in region
                ? hxPartial(`#${region.id}`, region.swap ?? 'outerMorph', views.render(region.partial, region.view(model)))
                : region
                    .each(model)
                    .map((item) => hxPartial(`[id="${item.id}"]:not(:empty)`, 'innerMorph', views.render(region.partial, item.view)))
                    .join('\n'),
            );
          }
          return html;
        },
      };
    },
  };
}

/** `affectedBy` for a region that shows only what streams of these categories say. */
export const fromCategories =
  (...categories: string[]) =>
  (event: RecordedEvent): boolean =>
    categories.includes(parseStreamName(event.streamId).category);

/** The part of `ws`'s WebSocket the hub uses (the package ships no types). */
interface LiveSocket {
  readonly readyState: number;
  send(data: Buffer, options: { binary: false }): void;
  close(code?: number, reason?: string): void;
  on(event: 'close' | 'message', listener: () => void): void;
}

const OPEN = 1;
/** RFC 6455 close codes. htmx's ws extension reconnects after 1013 (with backoff), not after 1000 or 1008. */
const NORMAL = 1000;
const POLICY_VIOLATION = 1008;
const TRY_AGAIN_LATER = 1013;
/** Private use (4000–4999), after HTTP's 401: the session that opened the socket has ended. Not retried; live.js reloads the page, which asks to sign in. */
const SIGNED_OUT = 4401;

/** The signed-in session a socket was opened by. */
interface Opener {
  accountId: string;
  signedInAt: string;
}

interface Subscriber {
  socket: LiveSocket;
  client: string;
  opener: Opener;
  /** Whether the socket has had every region once; after that it is sent only what changed. */
  primed: boolean;
}

interface TopicState {
  topic: Topic;
  subscribers: Set<Subscriber>;
  /** Each region's last rendered swap, so an unchanged region is not sent again. */
  rendered: Map<string, string>;
  /** The regions to render at the next flush. */
  due: Set<string>;
}

/**
 * The open sockets by topic. A connecting socket gets its page's regions at once (the page may
 * have changed between its render and the socket opening, or while the server restarted): what
 * the topic last rendered, or, for a topic nobody else shows, rendered for it. A batch of
 * events marks the regions it affects due; due topics are flushed together, at most once per
 * `coalesceMs` (a burst waits for the next flush, an isolated write does not wait), one topic at
 * a time with a turn of the event loop between them, so requests keep being served while a push
 * is rendered.
 */
class LiveHub {
  private readonly topics = new Map<string, TopicState>();
  /** Each client's sockets, counted by the topic they follow. */
  private readonly clients = new Map<string, Map<string, number>>();
  private sockets = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private stopped = false;
  /** Pushes go out one flush at a time, so a slow render never overtakes a newer one. */
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly views: Views,
    private readonly limits: LiveLimits,
    private readonly coalesceMs: number,
    private readonly log: {
      rendered(topic: string, regions: readonly string[], sockets: number, ms: number): void;
      failed(error: unknown): void;
    },
  ) {}

  /** Why this client's new socket on this topic cannot be kept, with the close code; null when it can. */
  refusal(client: string, topic: Topic): { code: number; reason: string } | null {
    const followed = this.clients.get(client) ?? new Map<string, number>();
    if ([...followed.values()].reduce((sum, n) => sum + n, 0) >= this.limits.perClient)
      return { code: POLICY_VIOLATION, reason: `at most ${this.limits.perClient} live pages at once: close another tab` };
    if (!followed.has(topic.key) && followed.size >= this.limits.topicsPerClient)
      return {
        code: POLICY_VIOLATION,
        reason: `at most ${this.limits.topicsPerClient} different live pages at once: close a tab showing another page`,
      };
    if (this.sockets >= this.limits.total)
      return { code: TRY_AGAIN_LATER, reason: `the server follows ${this.limits.total} live pages already` };
    return null;
  }

  add(socket: LiveSocket, client: string, opener: Opener, topic: Topic): void {
    let state = this.topics.get(topic.key);
    if (state === undefined) {
      state = { topic, subscribers: new Set(), rendered: new Map(), due: new Set(topic.regions) };
      this.topics.set(topic.key, state);
    }
    const subscriber: Subscriber = { socket, client, opener, primed: false };
    state.subscribers.add(subscriber);
    this.sockets++;
    const followed = this.clients.get(client) ?? new Map<string, number>();
    followed.set(topic.key, (followed.get(topic.key) ?? 0) + 1);
    this.clients.set(client, followed);
    const topicState = state;
    socket.on('close', () => this.remove(topicState, subscriber));
    this.schedule(0);
  }

  /** A batch was applied: the regions it affects are due on every topic shown. */
  changed(events: readonly RecordedEvent[]): void {
    let any = false;
    for (const state of this.topics.values()) {
      for (const region of state.topic.affected(events)) {
        state.due.add(region);
        any = true;
      }
    }
    // The first batch after a quiet spell is pushed at once; those that follow within `coalesceMs` of a push wait for the next one together.
    if (any) this.schedule(Math.max(0, this.lastFlush + this.coalesceMs - performance.now()));
  }

  /**
   * A deactivated account's sockets close at once, as do those a session opened before the
   * account's password was set: the same sessions the next request would find ended.
   */
  signedOut(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      if (event.type !== 'AccountDeactivated' && event.type !== 'PasswordSet') continue;
      const { accountId } = event.data as { accountId: string };
      for (const state of this.topics.values()) {
        for (const { socket, opener } of state.subscribers) {
          if (opener.accountId !== accountId) continue;
          if (event.type === 'AccountDeactivated') socket.close(SIGNED_OUT, 'your account was deactivated');
          else if (opener.signedInAt < event.metadata.recordedAt) socket.close(SIGNED_OUT, 'your password changed: sign in again');
        }
      }
    }
  }

  /** Cancels pending pushes. The sockets are closed by @fastify/websocket as the server closes. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private remove(state: TopicState, subscriber: Subscriber): void {
    if (!state.subscribers.delete(subscriber)) return;
    this.sockets--;
    const followed = this.clients.get(subscriber.client);
    const left = (followed?.get(state.topic.key) ?? 1) - 1;
    if (left > 0) followed?.set(state.topic.key, left);
    else followed?.delete(state.topic.key);
    if (followed?.size === 0) this.clients.delete(subscriber.client);
    if (state.subscribers.size === 0 && this.topics.get(state.topic.key) === state) this.topics.delete(state.topic.key);
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush()).catch(this.log.failed);
    }, delayMs);
  }

  private async flush(): Promise<void> {
    this.lastFlush = performance.now();
    // The topics most sockets show first: the most people see the change soonest.
    const pending = [...this.topics.values()]
      .filter((s) => s.due.size > 0 || [...s.subscribers].some((sub) => !sub.primed))
      .sort((a, b) => b.subscribers.size - a.subscribers.size);
    for (const state of pending) {
      if (this.stopped) return;
      if (this.topics.get(state.topic.key) === state) this.flushTopic(state);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private flushTopic(state: TopicState): void {
    const due = [...state.due];
    state.due.clear();
    const started = performance.now();
    const html = due.length === 0 ? new Map<string, string>() : state.topic.render(this.views, due);
    if (due.length > 0) this.log.rendered(state.topic.key, due, state.subscribers.size, performance.now() - started);
    if (html === null) {
      this.topics.delete(state.topic.key);
      for (const { socket } of state.subscribers) socket.close(POLICY_VIOLATION, 'there is no such page to follow');
      return;
    }
    const changed = [...html].filter(([region, swap]) => state.rendered.get(region) !== swap).map(([, swap]) => swap);
    for (const [region, swap] of html) state.rendered.set(region, swap);
    const news = changed.length > 0 ? Buffer.from(changed.join('\n')) : null;
    let whole: Buffer | undefined;
    for (const subscriber of state.subscribers) {
      if (!subscriber.primed) {
        whole ??= Buffer.from(state.topic.regions.flatMap((region) => state.rendered.get(region) ?? []).join('\n'));
        this.send(subscriber, whole);
      } else if (news !== null) this.send(subscriber, news);
    }
  }

  /** One encoding of a message serves every socket it goes to. */
  private send(subscriber: Subscriber, message: Buffer): void {
    subscriber.primed = true;
    if (subscriber.socket.readyState === OPEN) subscriber.socket.send(message, { binary: false });
  }
}

/** Where the socket's page is, as `location` has it: a path on this site. */
function pageUrl(query: unknown): URL | null {
  const page = (query as { page?: unknown }).page;
  if (typeof page !== 'string' || !page.startsWith('/') || page.startsWith('//')) return null;
  return new URL(page, 'http://uptake.invalid');
}

const loopback = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Whether the socket was opened by one of our own pages. A browser always sends `Origin` with a
 * websocket handshake and no page can change it, so a page on another site (or one of ours served
 * over plain HTTP when TLS is on) is refused: it would otherwise read every page through a
 * visitor's browser. A handshake without `Origin` is not from a browser: it is let in only from
 * this machine (the bench, a probe on the host). That narrows the door for tools rather than
 * locking it (a tool can send any `Origin`, and behind a proxy on this machine every socket comes
 * from loopback): sign-in is what keeps them out.
 */
function ownOrigin(request: FastifyRequest, tls: boolean): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return loopback.test(request.ip ?? '');
  return origin.toLowerCase() === `${tls ? 'https' : 'http'}://${request.headers.host?.toLowerCase()}`;
}

/**
 * `GET /live?page=<path and query of the page>` upgraded to a websocket, following that one page
 * (a page that moves, like the heatmap's filter, opens a new socket). A page with nothing live
 * (the organisation, an error page) is closed normally (1000), a page that cannot be followed
 * (another site's page, no page, a bad parameter, an unknown team) as a policy violation (1008),
 * both with the reason; the browser retries neither. Over a per-client bound: 1008, as is a
 * socket that sends anything (it follows the page it was opened for, nothing else); over the total: 1013, which the
 * browser retries later. When the server shuts down, @fastify/websocket closes every socket
 * without a status (1005), which the browser's ws extension answers by reconnecting, with
 * backoff, until the server is back.
 */
export const liveRoutes: FastifyPluginAsync<LiveOptions> = async (
  app,
  { views, pages, onApplied, coalesceMs = 150, limits, clientOf = bySession, tls },
) => {
  const hub = new LiveHub(views, { ...LIVE_LIMITS, ...limits }, coalesceMs, {
    rendered: (topic, regions, sockets, ms) =>
      app.log.debug({ topic, regions, sockets, ms: Math.round(ms * 10) / 10 }, 'live regions rendered'),
    failed: (error) => app.log.error({ err: error }, 'live update failed'),
  });
  const unsubscribe = onApplied?.((events) => {
    hub.signedOut(events);
    hub.changed(events);
  });
  app.addHook('preClose', async () => {
    unsubscribe?.();
    hub.stop();
  });

  app.get('/live', { config: { access: 'read' }, websocket: true }, (socket: LiveSocket, request) => {
    if (!ownOrigin(request, tls)) return socket.close(POLICY_VIOLATION, 'live pages are only for pages of this site');
    const url = pageUrl(request.query);
    if (url === null) return socket.close(POLICY_VIOLATION, 'page must be a path on this site, starting with /');
    const topic = pages.reduce<ReturnType<LivePage['topicOf']>>((found, page) => found ?? page.topicOf(url), null);
    if (topic === null) return socket.close(NORMAL, 'nothing on this page updates live');
    if ('refused' in topic) return socket.close(POLICY_VIOLATION, topic.refused.slice(0, 120));
    const client = clientOf(request);
    const refusal = hub.refusal(client, topic);
    if (refusal !== null) return socket.close(refusal.code, refusal.reason);
    socket.on('message', () =>
      socket.close(POLICY_VIOLATION, 'a live socket follows the page it was opened for: open another for another page'),
    );
    // The route's access rule let only a signed-in session this far.
    hub.add(socket, client, { accountId: request.viewer!.accountId, signedInAt: request.session.signedInAt! }, topic);
  });
};
