/**
 * The `Host` allow-list. A browser sends the name it resolved in `Host`, so answering only for
 * our own names defeats DNS rebinding: a page on another site that makes its name resolve to
 * this server still sends its own name, and is refused before any handler runs.
 */
import type { FastifyInstance } from 'fastify';

/** One allowed name (lower case, IPv6 in brackets) and, when given, the port a `Host` header must name with it. */
export interface AllowedHost {
  name: string;
  port?: number;
}

const entry = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/;

/** What `UPTAKE_ALLOWED_HOSTS` entries must look like, for the configuration's message. */
export const ALLOWED_HOST_RULE =
  'must be a comma-separated list of host names, each with an optional :port (e.g. uptake.example.org,localhost:3000)';

/** One `host[:port]` entry (or a `Host` header), or null when it is not one. */
export function parseHost(value: string): AllowedHost | null {
  const match = entry.exec(
    value
      .trim()
      .toLowerCase()
      .replace(/\.(?=:|$)/, ''),
  );
  if (match === null) return null;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) return null;
  return port === undefined ? { name: match[1]! } : { name: match[1]!, port };
}

/**
 * When `UPTAKE_ALLOWED_HOSTS` is not set: the loopback names on any port, and the address
 * Uptake listens on when that is one address rather than every interface.
 */
export function defaultAllowedHosts(listenHost?: string): AllowedHost[] {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  if (listenHost === undefined) return names.map((name) => ({ name }));
  const own = parseHost(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost);
  if (own !== null && own.name !== '0.0.0.0' && own.name !== '[::]' && !names.includes(own.name)) names.push(own.name);
  return names.map((name) => ({ name }));
}

export function hostAllowed(allowed: readonly AllowedHost[], header: string | undefined): boolean {
  const host = header === undefined ? null : parseHost(header);
  return host !== null && allowed.some((a) => a.name === host.name && (a.port === undefined || a.port === host.port));
}

/**
 * Refuses a request for a name not on the list (421 Misdirected Request, plain text) before
 * routing, parsing or any handler: websocket upgrades included, as they are routed like any GET.
 */
export function refuseUnknownHosts(app: FastifyInstance, allowed: readonly AllowedHost[]): void {
  app.addHook('onRequest', async (request, reply) => {
    if (hostAllowed(allowed, request.headers.host)) return;
    return reply
      .code(421)
      .type('text/plain; charset=utf-8')
      .send('This server does not answer for that Host. Its names are set by UPTAKE_ALLOWED_HOSTS.\n');
  });
}
