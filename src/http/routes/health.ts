import type { FastifyPluginAsync } from 'fastify';

export interface Health {
  ok: boolean;
  /** The event store's name and state, e.g. `sqlite` or `eventstoredb: unreachable`. */
  store: string;
  /** Events stored but not yet folded into the read models. */
  projectionsLag: number;
}

/** For load balancers and `docker compose`: 200 when healthy, 503 when degraded. */
export const healthRoutes: FastifyPluginAsync<{ health: () => Promise<Health> }> = async (app, { health }) => {
  app.get('/healthz', async (request, reply) => {
    let report: Health;
    try {
      report = await health();
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      report = { ok: false, store: 'unknown', projectionsLag: -1 };
    }
    return reply.code(report.ok ? 200 : 503).header('cache-control', 'no-store').send({
      status: report.ok ? 'ok' : 'degraded',
      store: report.store,
      projectionsLag: report.projectionsLag,
    });
  });
};
