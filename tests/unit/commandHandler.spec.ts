import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/commandHandler.ts';
import { EventMetadata } from '../../src/shared/event.ts';

describe('uuidv7', () => {
  it('is a version-7 UUID the metadata schema accepts', () => {
    const id = uuidv7(Date.parse('2026-11-25T10:00:00Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(EventMetadata.shape.eventId.safeParse(id).success).toBe(true);
  });

  it('sorts by the time it carries, so the event-id index grows at its end', () => {
    const earlier = uuidv7(Date.parse('2026-11-25T10:00:00.000Z'));
    const later = uuidv7(Date.parse('2026-11-25T10:00:00.001Z'));
    expect(earlier < later).toBe(true);
    expect(earlier.slice(0, 13)).toBe('01a21225-d900'); // 48-bit milliseconds, big-endian
  });
});
