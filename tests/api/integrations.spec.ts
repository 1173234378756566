/**
 * The integrations page over real components (SQLite store, the projection runner, the
 * consumer's own ledger): the consumer card with Kafka off and with a broker that does not
 * answer; integration tokens created (shown once), used and revoked; the dead-letter list,
 * filtered by reason and paged; re-drive of one message and of all of a reason, recorded once.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kafkaIngestion } from '../../infra/kafka/kafkaSource.ts';
import { SqliteConsumerLedger } from '../../infra/sqlite/consumerLedger.ts';
import { SqliteIntegrationTokens } from '../../projections/integrations.ts';
import { ConsumerStatus } from '../../src/ingest/status.ts';
import { appFor, closeWorld, given, openWorld, postForm, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;
let ledger: SqliteConsumerLedger;

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await world.runner.start();
  ledger = new SqliteConsumerLedger(world.db, 'uptake', () => new Date(`${TODAY}T08:00:00.000Z`));
  app = await appFor(world);
});

afterEach(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

const post = (url: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  postForm(app, url, fields, headers);
const count = (type: string) => (world.db.prepare('SELECT count(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;
const tokenIn = (html: string) => /id="new-token"[^>]*value="(upt_[^"]+)"/.exec(html)?.[1];

const checkIn = (id: string, teamKey = 'NEWT', heldOn = '2026-11-20') => ({
  specversion: '1.0',
  id,
  source: 'urn:okr-tool',
  type: 'org.okr.checkin.held.v1',
  data: { teamKey, cycleName: '2026-Q4', heldOn },
});
const NO_TEAM = 'data.teamKey: no team with key NEWT';

/** Dead letters as the consumer records them: original bytes and headers, and the reason. */
function deadLetter(offset: number, value: string, reason: string, headers: Record<string, string> = {}) {
  ledger.record('uptake.events', 0, String(offset + 1), [
    {
      topic: 'uptake.events',
      partition: 0,
      offset: String(offset),
      key: null,
      value: Buffer.from(value),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
      reason,
    },
  ]);
}

const seqOf = (offset: number) =>
  (world.db.prepare('SELECT seq FROM kafka_dead_letters WHERE offset = ?').get(String(offset)) as { seq: number }).seq;

const ingest = (token: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
    payload: JSON.stringify({ ...checkIn(randomUUID(), 'PAY'), source: 'urn:okr-tool' }),
  });

describe('the integrations page', () => {
  it('is linked in the site nav, and says plainly that Kafka is off and how to turn it on', async () => {
    const res = await app.inject('/integrations');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/integrations" aria-current="page">Integrations</a>');
    expect(res.body).toContain('<strong>Kafka is not configured</strong>');
    expect(res.body).toContain('<code>KAFKA_BROKERS=host:port</code>');
    expect(res.body).toContain('No integration token yet.');
    expect(res.body).toContain('No message was refused');
  });

  it('with a broker that does not answer: not connected, its group and topics, and the lag unknown with the reason', async () => {
    const { offsets } = kafkaIngestion({
      brokers: ['127.0.0.1:1'],
      topics: ['uptake.events'],
      groupId: 'uptake',
      deadLetterTopic: 'uptake.events.dlq',
      log: { info: () => {}, warn: () => {}, error: () => {} },
    });
    const status = new ConsumerStatus(() => new Date(`${TODAY}T10:00:00.000Z`));
    status.consumed(90);
    const kafkaApp = await appFor(world, {
      kafka: { group: 'uptake', topics: ['uptake.events'], deadLetterTopic: 'uptake.events.dlq', status, offsets },
    });
    const res = await kafkaApp.inject('/integrations');
    await kafkaApp.close();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<span class="link-state link-state--waiting">Not connected</span>');
    expect(res.body).toContain('<dd><code>uptake</code></dd>');
    expect(res.body).toContain('<code>uptake.events</code> <span class="muted">dead letters to <code>uptake.events.dlq</code>');
    expect(res.body).toContain('<dd>25 Nov 2026, 10:00 UTC</dd>');
    expect(res.body).toContain('1.5 messages/s');
    expect(res.body).toMatch(/<dt>Lag<\/dt><dd>unknown: [^<]+/);
  });
});

describe('integration tokens', () => {
  it('creates a token and shows it once, on the answer itself (never a redirect); it then ingests and its last use shows', async () => {
    const key = randomUUID();
    const res = await post('/integrations/tokens', { name: 'OKR tool', source: 'urn:okr-tool', key });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const token = tokenIn(res.body);
    expect(token).toMatch(/^upt_[\w-]{43}$/);
    expect(res.body).toContain('it is shown this once');
    expect(count('IntegrationTokenGranted')).toBe(1);

    const listed = await app.inject('/integrations');
    expect(listed.body).not.toContain(token!);
    expect(listed.body).toMatch(
      /<th scope="row" class="cycle-list__name">OKR tool<\/th>\s*<td><code>urn:okr-tool<\/code><\/td>\s*<td>25 Nov 2026, 10:00 UTC<\/td>\s*<td>never<\/td>/,
    );

    expect((await ingest(token!)).statusCode).toBe(200);
    expect((await app.inject('/integrations')).body).toMatch(/<td>25 Nov 2026, 10:00 UTC<\/td>\s*<td>25 Nov 2026, 10:00 UTC<\/td>/);

    // The same form sent again (a reload, a double click): nothing granted, and no token that would not work.
    const again = await post('/integrations/tokens', { name: 'OKR tool', source: 'urn:okr-tool', key });
    expect(again.statusCode).toBe(200);
    expect(tokenIn(again.body)).toBeUndefined();
    expect(again.body).toContain('This token was already created');
    expect(count('IntegrationTokenGranted')).toBe(1);
  });

  it('writes when a token was last used at most once a minute', async () => {
    const tokens = new SqliteIntegrationTokens(world.db);
    const lastUsed = () => (world.db.prepare('SELECT last_used_at AS at FROM integration_token_use').get() as { at: string }).at;
    tokens.used('t1', new Date('2026-11-25T10:00:00.000Z'));
    tokens.used('t1', new Date('2026-11-25T10:00:59.000Z'));
    expect(lastUsed()).toBe('2026-11-25T10:00:00.000Z');
    tokens.used('t1', new Date('2026-11-25T10:01:00.000Z'));
    expect(lastUsed()).toBe('2026-11-25T10:01:00.000Z');
  });

  it('with htmx, answers with the partial that shows the token', async () => {
    const res = await post('/integrations/tokens', { name: 'HR', source: 'urn:hr', key: randomUUID() }, { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('<div id="integrations"')).toBe(true);
    expect(tokenIn(res.body)).toMatch(/^upt_/);
  });

  it('refuses bad input with 422 and each message beside its field, granting nothing', async () => {
    const res = await post('/integrations/tokens', { name: '', source: 'urn:with space', key: randomUUID() });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<p class="field__error" id="grant-token-name-error">Name is required</p>');
    expect(res.body).toContain(
      '<p class="field__error" id="grant-token-source-error">CloudEvents source must be a URI-reference without spaces</p>',
    );
    expect(tokenIn(res.body)).toBeUndefined();
    const noKey = await post('/integrations/tokens', { name: 'X', source: 'urn:x' });
    expect(noKey.statusCode).toBe(422);
    expect(noKey.body).toContain('The form you sent is missing or damaged');
    expect(count('IntegrationTokenGranted')).toBe(0);
  });

  it('revokes a token (303 without JavaScript); it is refused from then on; an unknown token is a 404', async () => {
    const token = tokenIn((await post('/integrations/tokens', { name: 'OKR tool', source: 'urn:okr-tool', key: randomUUID() })).body)!;
    const tokenId = (world.db.prepare('SELECT token_id AS id FROM integration_tokens').get() as { id: string }).id;
    const res = await post(`/integrations/tokens/${tokenId}/revoke`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/integrations?recorded=revoke-token');
    const page = await app.inject(res.headers.location!);
    expect(page.body).toContain('<p class="success">Token revoked.</p>');
    expect(page.body).toContain('<span class="cycle-state cycle-state--closed">Revoked</span>');
    expect((await ingest(token)).statusCode).toBe(401);
    expect((await post('/integrations/tokens/nobody/revoke')).statusCode).toBe(404);
    const bad = await post('/integrations/tokens/not%20an%20id/revoke');
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('tokenId');
  });
});

describe('dead letters', () => {
  it('lists them newest first with where, when, the reason and the message escaped and truncated; filters by reason', async () => {
    deadLetter(3, JSON.stringify(checkIn('ci-1')), NO_TEAM);
    deadLetter(4, '{"not json', 'value: is not JSON (Unexpected end of JSON input)');
    deadLetter(5, `<script>alert(1)</script>${'x'.repeat(600)}`, 'value: is not JSON');
    const res = await app.inject('/integrations');
    expect(res.statusCode).toBe(200);
    const order = [5, 4, 3].map((offset) => res.body.indexOf(`id="letter-${seqOf(offset)}"`));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(res.body).toContain('<code>uptake.events · partition 0 · offset 3</code>');
    expect(res.body).toContain('25 Nov 2026, 08:00 UTC');
    expect(res.body).toContain(`<p class="letter__reason">${NO_TEAM}</p>`);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain(`&lt;script&gt;alert(1)&lt;/script&gt;${'x'.repeat(375)}…</pre>`);
    expect(res.body).toContain(`<a href="/integrations/dead-letters/${seqOf(5)}">Show all (625 bytes)`);
    expect(res.body).toMatch(/>data\.teamKey: no team with key NEWT<\/a> <span class="muted">1 refused, 1 waiting<\/span>/);

    const filtered = await app.inject(`/integrations?${new URLSearchParams({ reason: NO_TEAM })}`);
    expect(filtered.body).toContain(`id="letter-${seqOf(3)}"`);
    expect(filtered.body).not.toContain(`id="letter-${seqOf(4)}"`);
    expect(filtered.body).toContain('Re-drive the 1 waiting message of this reason');

    const full = await app.inject(`/integrations/dead-letters/${seqOf(5)}`);
    expect(full.statusCode).toBe(200);
    expect(full.body).toContain(`&lt;script&gt;alert(1)&lt;/script&gt;${'x'.repeat(600)}</pre>`);
    expect((await app.inject('/integrations/dead-letters/999')).statusCode).toBe(404);
    expect((await app.inject('/integrations/dead-letters/abc')).statusCode).toBe(422);
    expect((await app.inject('/integrations?before=-1')).statusCode).toBe(422);
  });

  it('lists the 25 commonest reasons, and the one filtered by wherever it ranks', async () => {
    for (let offset = 0; offset < 30; offset++) deadLetter(offset, '{}', offset < 2 ? 'common' : `rare ${offset}`);
    const res = await app.inject('/integrations');
    expect(res.body.match(/<li><a href="\/integrations\?reason=/g)).toHaveLength(25);
    expect(res.body).toContain('>common</a> <span class="muted">2 refused, 2 waiting</span>');
    expect(res.body).toContain('and 4 rarer reasons');
    const rarest = await app.inject('/integrations?reason=rare+9');
    expect(rarest.body.match(/<li><a href="\/integrations\?reason=/g)).toHaveLength(26);
    expect(rarest.body).toContain('aria-current="true">rare 9</a>');
  });

  it('pages by keyset: 20 a page, then the older ones', async () => {
    for (let offset = 0; offset < 25; offset++) deadLetter(offset, '{}', `reason ${offset % 2}`);
    const first = await app.inject('/integrations');
    expect(first.body.match(/class="letter"/g)).toHaveLength(20);
    const older = /<a href="([^"]+)">Older<\/a>/.exec(first.body)![1]!.replaceAll('&amp;', '&');
    expect(older).toBe(`/integrations?before=${seqOf(5)}#dead-letters`);
    const second = await app.inject(older);
    expect(second.body.match(/class="letter"/g)).toHaveLength(5);
    expect(second.body).toContain(`id="letter-${seqOf(0)}"`);
    expect(second.body).not.toContain('>Older</a>');
    expect(second.body).toContain('>Newest</a>');
  });

  it('re-drives one: still rejected before the cause is fixed, accepted after, recorded on the timeline, and a double click records once', async () => {
    deadLetter(7, JSON.stringify({ teamKey: 'NEWT', cycleName: '2026-Q4', heldOn: '2026-11-20' }), NO_TEAM, {
      ce_specversion: '1.0',
      ce_id: 'ci-7',
      ce_source: 'urn:okr-tool',
      ce_type: 'org.okr.checkin.held.v1',
      'content-type': 'application/json',
    });
    const seq = seqOf(7);
    const tried = await post(`/integrations/dead-letters/${seq}/redrive`, { key: randomUUID() }, { 'hx-request': 'true' });
    expect(tried.statusCode).toBe(200);
    expect(tried.body).toContain(`Message ${seq} re-driven: still rejected (${NO_TEAM}).`);
    expect(count('DeadLetterRedriven')).toBe(1);
    expect(count('CheckInHeld')).toBe(3);

    await given(world, 'team', 'newt', '2026-11-24', {
      type: 'TeamRegistered',
      data: { teamId: 'newt', key: 'NEWT', name: 'Newts', areaId: 'eng', size: 3 },
    });
    await world.runner.catchUp();
    const key = randomUUID();
    const done = await post(`/integrations/dead-letters/${seq}/redrive`, { key });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/integrations?recorded=redrive#dead-letters');
    expect(count('CheckInHeld')).toBe(4);
    expect(count('DeadLetterRedriven')).toBe(2);
    const page = await app.inject('/integrations?recorded=redrive');
    expect(page.body).toContain('Re-driven 25 Nov 2026, 10:00 UTC: accepted');
    expect(page.body).not.toContain(`id="redrive-${seq}"`);

    // A double click (the same key) and a stale page (another key): neither ingests nor records again.
    expect((await post(`/integrations/dead-letters/${seq}/redrive`, { key })).statusCode).toBe(303);
    const stale = await post(`/integrations/dead-letters/${seq}/redrive`, { key: randomUUID() }, { 'hx-request': 'true' });
    expect(stale.body).toContain(`Message ${seq} re-driven: went through before; nothing done.`);
    expect(count('CheckInHeld')).toBe(4);
    expect(count('DeadLetterRedriven')).toBe(2);

    const timeline = await app.inject('/timeline');
    expect(timeline.body).toContain('Dead letter uptake.events partition 0 offset 7 re-driven: accepted');
    expect(timeline.body).toContain(`Dead letter uptake.events partition 0 offset 7 re-driven and still rejected: ${NO_TEAM}`);
    expect(timeline.body).toContain('Check-in held');
  });

  it('re-drives all waiting letters of a reason, each answered on its own; none waiting is a 422 beside the form', async () => {
    deadLetter(1, JSON.stringify(checkIn('a')), NO_TEAM);
    deadLetter(2, JSON.stringify(checkIn('b', 'NEWT', '2026-11-21')), NO_TEAM);
    deadLetter(3, JSON.stringify(checkIn('a')), NO_TEAM);
    deadLetter(4, '{"not json', 'value: is not JSON');
    await given(world, 'team', 'newt', '2026-11-24', {
      type: 'TeamRegistered',
      data: { teamId: 'newt', key: 'NEWT', name: 'Newts', areaId: 'eng', size: 3 },
    });
    await world.runner.catchUp();
    const url = `/integrations/dead-letters/redrive?${new URLSearchParams({ reason: NO_TEAM })}`;
    const res = await post(url, { key: randomUUID() }, { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('3 messages re-driven: 2 accepted, 1 already recorded (duplicate).');
    expect(count('CheckInHeld')).toBe(5);
    expect(count('DeadLetterRedriven')).toBe(3);
    // The answer keeps the list filtered by the reason: its letters, each with its outcome, and no form left to re-drive them.
    expect(res.body).not.toContain(`id="letter-${seqOf(4)}"`);
    expect(res.body.match(/letter__redrive--accepted">Re-driven 25 Nov 2026, 10:00 UTC: accepted/g)).toHaveLength(2);
    expect(res.body).toContain('letter__redrive--duplicate">Re-driven 25 Nov 2026, 10:00 UTC: already recorded (duplicate)');
    expect(res.body).not.toContain('id="redrive-');

    const none = await post(url, { key: randomUUID() });
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('No dead letter of this reason is waiting to be re-driven');
    expect(count('DeadLetterRedriven')).toBe(3);
    expect((await post('/integrations/dead-letters/redrive', { key: randomUUID() })).statusCode).toBe(422);
  });
});
