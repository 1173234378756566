import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('consumes uptake.events as group uptake, dead-lettering to uptake.events.dlq, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ KAFKA_TOPICS: ['uptake.events'], KAFKA_GROUP: 'uptake', KAFKA_DLQ_TOPIC: 'uptake.events.dlq' });
    expect(loadConfig({ KAFKA_TOPICS: 'okr.checkins,hr.teams', KAFKA_GROUP: 'uptake-eu', KAFKA_DLQ_TOPIC: 'okr.dlq' })).toMatchObject({
      KAFKA_TOPICS: ['okr.checkins', 'hr.teams'],
      KAFKA_GROUP: 'uptake-eu',
      KAFKA_DLQ_TOPIC: 'okr.dlq',
    });
  });

  it('names the variable and the rule when a Kafka setting is wrong', () => {
    expect(() => loadConfig({ KAFKA_TOPICS: 'a, b' })).toThrow(/KAFKA_TOPICS="a, b": must be a comma-separated list of topic names/);
    expect(() => loadConfig({ KAFKA_GROUP: 'my group' })).toThrow(/KAFKA_GROUP="my group": must be a consumer group name/);
    expect(() => loadConfig({ KAFKA_TOPICS: 'a,b', KAFKA_DLQ_TOPIC: 'b' })).toThrow(ConfigError);
    expect(() => loadConfig({ KAFKA_TOPICS: 'a,b', KAFKA_DLQ_TOPIC: 'b' })).toThrow(/KAFKA_DLQ_TOPIC="b": must not be one of KAFKA_TOPICS/);
  });

  it('is plain HTTP answering for loopback names unless told TLS is in front and which names to answer for', () => {
    expect(loadConfig({}).UPTAKE_TLS).toBe(false);
    expect(loadConfig({}).UPTAKE_ALLOWED_HOSTS).toBeUndefined();
    expect(loadConfig({ UPTAKE_TLS: 'on', UPTAKE_ALLOWED_HOSTS: 'Uptake.Example.org, 10.0.0.5:3000,[::1]' })).toMatchObject({
      UPTAKE_TLS: true,
      UPTAKE_ALLOWED_HOSTS: [{ name: 'uptake.example.org' }, { name: '10.0.0.5', port: 3000 }, { name: '[::1]' }],
    });
  });

  it('names the variable and the rule when a TLS or host setting is wrong', () => {
    expect(() => loadConfig({ UPTAKE_TLS: 'yes' })).toThrow(/UPTAKE_TLS="yes": must be on or off/);
    expect(() => loadConfig({ UPTAKE_ALLOWED_HOSTS: 'uptake.example.org,https://evil' })).toThrow(
      /UPTAKE_ALLOWED_HOSTS="uptake.example.org,https:\/\/evil": must be a comma-separated list of host names/,
    );
    expect(() => loadConfig({ UPTAKE_ALLOWED_HOSTS: 'uptake.example.org:99999' })).toThrow(/UPTAKE_ALLOWED_HOSTS=/);
  });

  it('publishes nothing unless KAFKA_PUBLISH_TOPIC is set, then as urn:uptake unless told otherwise', () => {
    expect(loadConfig({}).KAFKA_PUBLISH_TOPIC).toBeUndefined();
    expect(loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_PUBLISH_TOPIC: 'uptake.out' })).toMatchObject({
      KAFKA_PUBLISH_TOPIC: 'uptake.out',
      KAFKA_PUBLISH_SOURCE: 'urn:uptake',
    });
    expect(
      loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_PUBLISH_TOPIC: 'o', KAFKA_PUBLISH_SOURCE: 'https://uptake.example.com' }),
    ).toMatchObject({
      KAFKA_PUBLISH_SOURCE: 'https://uptake.example.com',
    });
  });

  it('refuses a publish topic without brokers, or one Uptake reads from', () => {
    expect(() => loadConfig({ KAFKA_PUBLISH_TOPIC: 'uptake.out' })).toThrow(/KAFKA_PUBLISH_TOPIC="uptake.out": needs KAFKA_BROKERS/);
    expect(() => loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_PUBLISH_TOPIC: 'uptake.events' })).toThrow(
      /KAFKA_PUBLISH_TOPIC="uptake.events": must be neither one of KAFKA_TOPICS nor KAFKA_DLQ_TOPIC/,
    );
    expect(() => loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_PUBLISH_TOPIC: 'uptake.events.dlq' })).toThrow(/must be neither/);
    expect(() => loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_PUBLISH_TOPIC: 'o', KAFKA_PUBLISH_SOURCE: 'urn:a b' })).toThrow(
      /KAFKA_PUBLISH_SOURCE="urn:a b": must be a URI-reference without spaces/,
    );
  });

  it('names a wrong secret without echoing its value', () => {
    const tooShort = () => loadConfig({ UPTAKE_SESSION_SECRET: 'hunter2', UPTAKE_NEW_PASSWORD: 'hunter3' });
    expect(tooShort).toThrow(/UPTAKE_SESSION_SECRET=\(hidden\): must be at least 32 characters/);
    expect(tooShort).toThrow(/UPTAKE_NEW_PASSWORD=\(hidden\): must be at least 12 characters/);
    expect(tooShort).not.toThrow(/hunter/);
  });
});
