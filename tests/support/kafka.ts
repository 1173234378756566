/**
 * A Kafka broker for one test file: the cluster at KAFKA_BROKERS when set, else a broker of our
 * own (infra/kafka/localBroker.ts) in a temp dir, stopped by `stop()` in afterAll. Without a
 * broker (no java, no jars, a failed start) the suite skips and says why, except under
 * REQUIRE_KAFKA=1 (CI), where the file fails with the reason.
 *
 *   const kafka = await startKafka('ingestion');
 *   describe.skipIf(kafka.skipped)('…', () => { afterAll(() => kafka.stop()); … kafka.brokers … });
 *
 * A suite that stops and restarts the broker asks for one of its own even when KAFKA_BROKERS is
 * set (`startKafka('faults', { own: true })`) and passes `kafka.dir` to `killBroker` / `restartBroker`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, stopBroker } from '../../infra/kafka/localBroker.ts';

export interface TestKafka {
  /** True when the suite must skip (it was warned why); `brokers` is empty then. */
  skipped: boolean;
  /** `host:port` addresses for a client's `brokers`. */
  brokers: string[];
  /** True when this file started the broker itself (KAFKA_BROKERS unset), so stopping it is ours to check. */
  own: boolean;
  /** Our own broker's folder (when `own`). */
  dir?: string;
  /** Stops and removes our own broker; leaves a KAFKA_BROKERS cluster alone. */
  stop(): Promise<void>;
}

const required = process.env.REQUIRE_KAFKA === '1';

export async function startKafka(suite: string, options: { own?: boolean } = {}): Promise<TestKafka> {
  const external = process.env.KAFKA_BROKERS;
  if (external && !options.own) return { skipped: false, brokers: external.split(','), own: false, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'uptake-kafka-'));
  try {
    const broker = await startBroker(dir);
    return {
      skipped: false,
      brokers: [broker.bootstrap],
      own: true,
      dir,
      stop: async () => {
        await stopBroker(dir);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = (error as Error).message;
    if (required) throw new Error(`REQUIRE_KAFKA=1 but no Kafka broker for the ${suite} tests: ${reason}`);
    console.warn(
      `skipping the ${suite} Kafka tests: no broker (set KAFKA_BROKERS, or install Java 17+ and Maven; REQUIRE_KAFKA=1 makes this a failure): ${reason}`,
    );
    return { skipped: true, brokers: [], own: false, stop: async () => {} };
  }
}
