import { describe, expect, it } from 'vitest';
import { newClusterId } from '../../infra/kafka/localBroker.ts';

describe('the local broker cluster id', () => {
  it('is 16 bytes of base64url that the storage tool cannot mistake for an option', () => {
    for (let i = 0; i < 2000; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
