import { describe, expect, it } from 'vitest';
import { fromBinary, parseBatch, parseEnvelope } from '../../src/ingest/envelope.ts';
import { expectError } from '../support/givenWhenThen.ts';

const event = { specversion: '1.0', id: 'e-1', source: 'urn:okr-tool', type: 'org.okr.checkin.held.v1', data: { teamKey: 'PAY' } };

describe('CloudEvents envelope', () => {
  it('reads a structured event, keeping extension attributes', () => {
    expect(parseEnvelope({ ...event, time: '2026-11-24T10:00:00Z', subject: 'PAY', traceparent: '00-abc' })).toEqual({
      ...event,
      time: '2026-11-24T10:00:00Z',
      subject: 'PAY',
      traceparent: '00-abc',
    });
  });

  it('names the attribute and the rule when the envelope is not CloudEvents 1.0', () => {
    expectError(() => parseEnvelope({ ...event, specversion: '0.3' }), 'specversion');
    expectError(() => parseEnvelope({ ...event, id: '' }), 'id');
    const { source: _source, ...withoutSource } = event;
    expectError(() => parseEnvelope(withoutSource), 'source');
    expectError(() => parseEnvelope({ ...event, time: 'yesterday' }), 'time');
    expectError(() => parseEnvelope({ ...event, datacontenttype: 'application/xml' }), 'datacontenttype');
    expectError(() => parseEnvelope([event]), 'envelope');
  });

  it('takes JSON data content types, with parameters and +json suffixes', () => {
    expect(parseEnvelope({ ...event, datacontenttype: 'application/json; charset=utf-8' }).id).toBe('e-1');
    expect(parseEnvelope({ ...event, datacontenttype: 'application/vnd.okr+json' }).id).toBe('e-1');
  });

  it('reads a batch as an array whose items are judged one by one', () => {
    expect(parseBatch([event, 'junk'])).toEqual([event, 'junk']);
    expectError(() => parseBatch(event), 'body');
  });

  it('reads binary mode from ce-* headers, the body being the data', () => {
    const headers = {
      'ce-specversion': '1.0',
      'ce-id': 'e-2',
      'ce-source': 'urn:okr-tool',
      'ce-type': 'org.okr.checkin.held.v1',
      'content-type': 'application/json',
      host: 'x',
    };
    expect(fromBinary(headers, { teamKey: 'PAY' })).toEqual({ ...event, id: 'e-2', datacontenttype: 'application/json' });
    const error = expectError(() => fromBinary({ 'ce-specversion': '1.0', 'content-type': 'application/json' }, {}), 'ce-id');
    expect(error.issues.map((i) => i.field)).toEqual(['ce-id', 'ce-source', 'ce-type']);
  });

  it("reads binary mode from the Kafka binding's ce_* headers, naming a missing one as the binding spells it", () => {
    const headers = {
      ce_specversion: '1.0',
      ce_id: 'e-3',
      ce_source: 'urn:okr-tool',
      ce_type: 'org.okr.checkin.held.v1',
      'ce-id': 'not-this-binding',
      'content-type': 'application/json',
    };
    expect(fromBinary(headers, { teamKey: 'PAY' }, 'ce_')).toEqual({ ...event, id: 'e-3', datacontenttype: 'application/json' });
    const error = expectError(() => fromBinary({ ce_specversion: '1.0', ce_type: 'x' }, {}, 'ce_'), 'ce_id');
    expect(error.issues.map((i) => i.field)).toEqual(['ce_id', 'ce_source']);
  });
});
