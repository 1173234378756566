/**
 * Who may call a route. Every route names its rule in its options (`config: { access: 'read' }`);
 * a route registered without one stops the app from building, so nothing is reachable by
 * accident. The rules, from open to closed:
 *
 * - `public`: anyone, signed in or not (the sign-in page, assets, `/healthz`, the published contract);
 * - `read`: any signed-in person (admin, coach, leader);
 * - `write`: admins and coaches; a coach only in the areas they coach (and the areas under
 *   them), which the command handler checks on the command itself, so a crafted request cannot
 *   reach around it;
 * - `admin`: admins only (people, tokens, integrations);
 * - `ingest`: an integration token, checked by the ingest routes themselves.
 */
export type Access = 'public' | 'read' | 'write' | 'admin' | 'ingest';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}
