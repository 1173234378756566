import type { FastifyPluginAsync } from 'fastify';
import type { ProjectionRunner } from '../../projections/runner.ts';
import type { EventStore } from '../shared/eventStore.ts';

/** A read model that stopped: the event position it failed on, so it can be found with `uptake events`. */
export interface FailedProjection {
  name: string;
  /** Decimal text: store positions are 64-bit. */
  failedAt: string;
  eventType: string;
  error: string;
}

export interface Health {
  ok: boolean;
  /** The event store's name and state, e.g. `sqlite` or `eventstoredb: unreachable`. */
  store: string;
  /** Events stored but not yet folded into the read models that still run. */
  projectionsLag: number;
  /** The projections that failed; any makes the app degraded. */
  projections: FailedProjection[];
}

/** Health from the event store and the projection runner. */
export const healthOf =
  (store: Pick<EventStore, 'name' | 'headPosition'>, runner: Pick<ProjectionRunner, 'position' | 'failed'>) =>
  async (): Promise<Health> => {
    const head = await store.headPosition();
    const projections = runner.failed.map((f) => ({
      name: f.projection,
      failedAt: f.position.toString(),
      eventType: f.eventType,
      error: f.error,
    }));
    return { ok: projections.length === 0, store: store.name, projectionsLag: Number(head - runner.position), projections };
  };

/** For load balancers and `docker compose`: 200 when healthy, 503 when degraded. */
export const healthRoutes: FastifyPluginAsync<{ health: () => Promise<Health> }> = async (app, { health }) => {
  app.get('/healthz', async (request, reply) => {
    let report: Health;
    try {
      report = await health();
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      report = { ok: false, store: 'unknown', projectionsLag: -1, projections: [] };
    }
    return reply
      .code(report.ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        ok: report.ok,
        status: report.ok ? 'ok' : 'degraded',
        store: report.store,
        projectionsLag: report.projectionsLag,
        projections: report.projections,
      });
  });
};
