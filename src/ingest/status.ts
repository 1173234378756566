import type { KafkaHealth } from '../http/health.ts';

/** A partition's ends as the broker reports them: `high` is the offset the next message will get. */
export interface Watermark {
  topic: string;
  partition: number;
  low: string;
  high: string;
}

/** Asks the broker where each partition of the topics ends (kafkajs's admin, behind our interface). */
export interface OffsetsProbe {
  watermarks(topics: readonly string[]): Promise<Watermark[]>;
}

/** The Kafka consumer as the integrations page sees it: its settings, its status, and the broker's offsets. */
export interface KafkaConsumerInfo {
  group: string;
  topics: readonly string[];
  deadLetterTopic: string;
  status: Pick<ConsumerStatus, 'snapshot'>;
  offsets: OffsetsProbe;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The next offset Uptake will read (from its own ledger); null when it has read nothing of the partition. */
  consumed: string | null;
  high: string;
  /** Messages in the partition not yet stored or dead-lettered. */
  lag: number;
}

/** Lag per partition: the broker's high watermark against the offset Uptake stored (or the low watermark, before any). */
export function lagOf(
  watermarks: readonly Watermark[],
  nextOffset: (topic: string, partition: number) => string | undefined,
): PartitionLag[] {
  return watermarks
    .map((w) => {
      const consumed = nextOffset(w.topic, w.partition) ?? null;
      const from = BigInt(consumed ?? w.low);
      const high = BigInt(w.high);
      return { topic: w.topic, partition: w.partition, consumed, high: w.high, lag: Number(high > from ? high - from : 0n) };
    })
    .toSorted((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** The window the consumption rate is measured over. */
const RATE_WINDOW_MS = 60_000;

export interface ConsumerSnapshot extends KafkaHealth {
  /** Since when the consumer is in its group; null while it is not. */
  connectedSince: Date | null;
  lastMessageAt: Date | null;
  /** Messages per second over the last minute. */
  ratePerSecond: number;
}

/**
 * What the running Kafka consumer is doing, kept in memory: whether it is in its group and
 * since when, when it last consumed, and how fast. `/healthz` and the integrations page read it.
 */
export class ConsumerStatus {
  private state: KafkaHealth['state'] = 'starting';
  private error: string | undefined;
  private connectedSince: Date | null = null;
  private lastMessageAt: Date | null = null;
  private recent: { at: number; count: number }[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Joined its group: consuming from now on. */
  connected(): void {
    this.state = 'consuming';
    this.error = undefined;
    this.connectedSince ??= this.now();
  }

  /** Left its group (a rebalance, a crash it restarts from, a stop). */
  disconnected(): void {
    this.connectedSince = null;
  }

  /** It gave up restarting, or never started. */
  down(error: Error): void {
    this.state = 'down';
    this.error = error.message;
    this.connectedSince = null;
  }

  consumed(count: number): void {
    const at = this.now();
    this.lastMessageAt = at;
    this.recent.push({ at: at.getTime(), count });
    this.prune(at.getTime());
  }

  health(): KafkaHealth {
    return { state: this.state, ...(this.error !== undefined && { error: this.error }) };
  }

  snapshot(): ConsumerSnapshot {
    const now = this.now().getTime();
    this.prune(now);
    const messages = this.recent.reduce((sum, r) => sum + r.count, 0);
    return {
      ...this.health(),
      connectedSince: this.connectedSince,
      lastMessageAt: this.lastMessageAt,
      ratePerSecond: messages / (RATE_WINDOW_MS / 1000),
    };
  }

  private prune(now: number): void {
    const from = this.recent.findIndex((r) => r.at > now - RATE_WINDOW_MS);
    this.recent = from < 0 ? [] : this.recent.slice(from);
  }
}
