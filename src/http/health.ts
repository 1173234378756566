import type { FastifyPluginAsync } from 'fastify';
import type { ProjectionRunner } from '../../projections/runner.ts';
import type { PublisherHealth } from '../outbound/publisher.ts';
import type { RulesHealth } from '../rules/processManager.ts';
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
  /** The Kafka consumer, when `KAFKA_BROKERS` turned it on; `down` makes the app degraded. */
  kafka?: KafkaHealth;
  /** The publisher, when `KAFKA_PUBLISH_TOPIC` turned it on; `retrying` makes the app degraded. */
  publisher?: PublisherHealth & { lag: number };
  /** The rules, once started: how far they are behind the store, and their last daily tick; `retrying` makes the app degraded. */
  rules?: RulesHealth & { lag: number };
}

export interface KafkaHealth {
  state: 'starting' | 'consuming' | 'down';
  /** Why it is down: it gave up restarting, or never connected. */
  error?: string;
}

/** Health from the event store, the projection runner and, when they run, the Kafka consumer, publisher and rules. */
export const healthOf =
  (
    store: Pick<EventStore, 'name' | 'headPosition'>,
    runner: Pick<ProjectionRunner, 'position' | 'failed'>,
    kafka?: () => KafkaHealth,
    publisher?: () => PublisherHealth,
    rules?: () => RulesHealth | undefined,
  ) =>
  async (): Promise<Health> => {
    const head = await store.headPosition();
    const projections = runner.failed.map((f) => ({
      name: f.projection,
      failedAt: f.position.toString(),
      eventType: f.eventType,
      error: f.error,
    }));
    const consumer = kafka?.();
    const publishing = publisher?.();
    const inferring = rules?.();
    return {
      ok: projections.length === 0 && consumer?.state !== 'down' && publishing?.state !== 'retrying' && inferring?.state !== 'retrying',
      store: store.name,
      projectionsLag: Number(head - runner.position),
      projections,
      ...(consumer && { kafka: consumer }),
      // Events of unpublished slices count too: the lag is how far the checkpoint is behind the store.
      ...(publishing && { publisher: { ...publishing, lag: Number(head - BigInt(publishing.position)) } }),
      ...(inferring && { rules: { ...inferring, lag: Number(head - BigInt(inferring.position)) } }),
    };
  };

/** For load balancers and `docker compose`: 200 when healthy, 503 when degraded. */
export const healthRoutes: FastifyPluginAsync<{ health: () => Promise<Health> }> = async (app, { health }) => {
  app.get('/healthz', { config: { access: 'public' } }, async (request, reply) => {
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
        ...(report.kafka && { kafka: report.kafka }),
        ...(report.publisher && { publisher: report.publisher }),
        ...(report.rules && { rules: report.rules }),
      });
  });
};
