import { z } from 'zod';
import { NewPassword } from './access/password.ts';
import type { KafkaTopics } from './ingest/contract.ts';
import { ALLOWED_HOST_RULE, type AllowedHost, parseHost } from './http/hosts.ts';
import { CloudEventSource } from './integration/events.ts';
import { DEFAULT_PUBLISH_SOURCE } from './outbound/published.ts';
import { SaturationSettingsFromEnv } from './resistance/saturation.ts';
import { RuleSettingsFromEnv } from './rules/settings.ts';

/** `KAFKA_TOPICS` and `KAFKA_DLQ_TOPIC` when unset. */
export const DEFAULT_TOPICS: KafkaTopics = { consumed: ['uptake.events'], deadLetter: 'uptake.events.dlq' };

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const Config = z
  .object({
    PORT: z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().max(65535, 'must be at most 65535'))
      .default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    UPTAKE_DB: z.string().min(1).default('./data/uptake.db'),
    EVENTSTORE_URL: z
      .string()
      .regex(/^(esdb|esdb\+discover|kurrentdb|kurrent):\/\//, 'must start with esdb:// (e.g. esdb://localhost:2113?tls=false)')
      .optional(),
    KAFKA_BROKERS: z
      .string()
      .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be a comma-separated list of host:port')
      .optional(),
    KAFKA_TOPICS: z
      .string()
      .regex(/^[\w.-]+(,[\w.-]+)*$/, 'must be a comma-separated list of topic names (letters, digits, ".", "_", "-")')
      .transform((topics) => topics.split(','))
      .default([...DEFAULT_TOPICS.consumed]),
    KAFKA_GROUP: z
      .string()
      .regex(/^[\w.-]+$/, 'must be a consumer group name (letters, digits, ".", "_", "-")')
      .default('uptake'),
    KAFKA_DLQ_TOPIC: z
      .string()
      .regex(/^[\w.-]+$/, 'must be a topic name (letters, digits, ".", "_", "-")')
      .default(DEFAULT_TOPICS.deadLetter),
    /** Publishes Uptake's own events there as CloudEvents (docs/integrations.md); off when unset. */
    KAFKA_PUBLISH_TOPIC: z
      .string()
      .regex(/^[\w.-]+$/, 'must be a topic name (letters, digits, ".", "_", "-")')
      .optional(),
    KAFKA_PUBLISH_SOURCE: CloudEventSource.default(DEFAULT_PUBLISH_SOURCE),
    LOG_LEVEL: LogLevel.default('info'),
    /** Signs session cookies. Required unless the store is the demo (which makes and keeps its own). */
    UPTAKE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
    /** The demo accounts' password, for scripted tries; otherwise one is generated and printed once. */
    UPTAKE_DEMO_PASSWORD: NewPassword.optional(),
    /** TLS is terminated in front of Uptake: browsers are told to use HTTPS only (HSTS), cookies are Secure, live sockets must come from an https page. */
    UPTAKE_TLS: z
      .enum(['on', 'off'], { error: 'must be on or off' })
      .default('off')
      .transform((tls) => tls === 'on'),
    /** The names Uptake answers for; when unset, `defaultAllowedHosts(HOST)`. */
    UPTAKE_ALLOWED_HOSTS: z
      .string()
      .transform((list, ctx): AllowedHost[] => {
        const hosts = list.split(',').map(parseHost);
        if (hosts.every((h) => h !== null)) return hosts;
        ctx.addIssue({ code: 'custom', message: ALLOWED_HOST_RULE });
        return z.NEVER;
      })
      .optional(),
    /** The password `uptake user add` / `user password` set, for scripts; otherwise one is generated and printed once. */
    UPTAKE_NEW_PASSWORD: NewPassword.optional(),
  })
  .extend(RuleSettingsFromEnv.shape)
  .extend(SaturationSettingsFromEnv.shape)
  .refine((config) => !config.KAFKA_TOPICS.includes(config.KAFKA_DLQ_TOPIC), {
    path: ['KAFKA_DLQ_TOPIC'],
    message: 'must not be one of KAFKA_TOPICS: a dead letter would be consumed again',
  })
  .refine((config) => config.KAFKA_PUBLISH_TOPIC === undefined || config.KAFKA_BROKERS !== undefined, {
    path: ['KAFKA_PUBLISH_TOPIC'],
    message: 'needs KAFKA_BROKERS: the brokers to publish to',
  })
  .refine(
    (config) =>
      config.KAFKA_PUBLISH_TOPIC === undefined ||
      (!config.KAFKA_TOPICS.includes(config.KAFKA_PUBLISH_TOPIC) && config.KAFKA_PUBLISH_TOPIC !== config.KAFKA_DLQ_TOPIC),
    {
      path: ['KAFKA_PUBLISH_TOPIC'],
      message: 'must be neither one of KAFKA_TOPICS nor KAFKA_DLQ_TOPIC: Uptake would read its own events back as input',
    },
  );

export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the environment once at start-up; a wrong value names the variable and the rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = Config.safeParse(present);
  if (result.success) return result.data;
  // A secret's value is never echoed: the console may be logged.
  const shown = (name: string) => (/SECRET|PASSWORD/.test(name) ? '(hidden)' : JSON.stringify(env[name] ?? ''));
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}=${shown(String(i.path[0]))}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}
