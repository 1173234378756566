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

  it('names a wrong secret without echoing its value', () => {
    const tooShort = () => loadConfig({ UPTAKE_SESSION_SECRET: 'hunter2', UPTAKE_NEW_PASSWORD: 'hunter3' });
    expect(tooShort).toThrow(/UPTAKE_SESSION_SECRET=\(hidden\): must be at least 32 characters/);
    expect(tooShort).toThrow(/UPTAKE_NEW_PASSWORD=\(hidden\): must be at least 12 characters/);
    expect(tooShort).not.toThrow(/hunter/);
  });
});
