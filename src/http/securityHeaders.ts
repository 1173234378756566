import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The headers every response carries. The Content-Security-Policy allows only this site's own
 * scripts, styles and sockets: no inline script or style, no eval (htmx's `hx-on` and `js:`
 * need it; Uptake uses neither, so an injected one does nothing), no framing, no plugins, forms
 * posted only here. `Referrer-Policy: same-origin` keeps addresses to ourselves while our own
 * forms still carry their `Origin` (with `no-referrer` Chromium sends `Origin: null`). HSTS
 * only when TLS is terminated in front (`UPTAKE_TLS=on`): over plain HTTP it would be ignored,
 * or worse, pin a name to HTTPS that does not serve it.
 */
export async function registerSecurityHeaders(app: FastifyInstance, { tls }: { tls: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}
