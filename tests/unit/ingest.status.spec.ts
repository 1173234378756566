import { describe, expect, it } from 'vitest';
import { ConsumerStatus, lagOf } from '../../src/ingest/status.ts';

describe('lag per partition', () => {
  const watermarks = [
    { topic: 'b', partition: 0, low: '0', high: '10' },
    { topic: 'a', partition: 1, low: '5', high: '20' },
    { topic: 'a', partition: 0, low: '0', high: '3' },
  ];

  it('is the high watermark less the next offset Uptake stored, or the low watermark before it read any; sorted by topic and partition', () => {
    const stored: Record<string, string> = { 'a/0': '3', 'b/0': '4' };
    expect(lagOf(watermarks, (topic, partition) => stored[`${topic}/${partition}`])).toEqual([
      { topic: 'a', partition: 0, consumed: '3', high: '3', lag: 0 },
      { topic: 'a', partition: 1, consumed: null, high: '20', lag: 15 },
      { topic: 'b', partition: 0, consumed: '4', high: '10', lag: 6 },
    ]);
  });

  it('is never negative (a topic recreated under a stored offset)', () => {
    expect(lagOf([{ topic: 'a', partition: 0, low: '0', high: '2' }], () => '9')[0]!.lag).toBe(0);
  });
});

describe('the consumer status', () => {
  it('is connected from its first join until it leaves the group; down says why', () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const status = new ConsumerStatus(() => now);
    expect(status.snapshot()).toMatchObject({ state: 'starting', connectedSince: null, lastMessageAt: null, ratePerSecond: 0 });
    status.connected();
    now = new Date('2026-11-25T10:05:00Z');
    status.connected();
    expect(status.snapshot()).toMatchObject({ state: 'consuming', connectedSince: new Date('2026-11-25T10:00:00Z') });
    status.disconnected();
    expect(status.snapshot().connectedSince).toBeNull();
    status.down(new Error('gave up after 5 restarts'));
    expect(status.health()).toEqual({ state: 'down', error: 'gave up after 5 restarts' });
  });

  it('counts messages per second over the last minute only', () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const status = new ConsumerStatus(() => now);
    status.consumed(600);
    now = new Date('2026-11-25T10:00:30Z');
    status.consumed(1200);
    expect(status.snapshot().ratePerSecond).toBe(30);
    expect(status.snapshot().lastMessageAt).toEqual(now);
    now = new Date('2026-11-25T10:01:10Z');
    expect(status.snapshot().ratePerSecond).toBe(20);
    now = new Date('2026-11-25T10:02:00Z');
    expect(status.snapshot().ratePerSecond).toBe(0);
  });
});
