/**
 * The integrations page in Debian's Chromium over a real Kafka broker and the consumer `serve`
 * runs: a check-in naming a team Uptake does not know lands in the dead-letter list with its
 * reason; once the team exists, re-drive records the check-in, which shows on the timeline with
 * the re-drive itself; the consumer card shows the group, connected, and the lag per partition;
 * a token is created and shown once. axe finds no serious or critical problem.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaIngestion } from '../../infra/kafka/kafkaSource.ts';
import { SqliteConsumerLedger } from '../../infra/sqlite/consumerLedger.ts';
import { sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { SqliteReferences } from '../../projections/org/references.ts';
import { type Consumer, startConsumer } from '../../src/ingest/consumer.ts';
import { ConsumerStatus } from '../../src/ingest/status.ts';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { startKafka } from '../support/kafka.ts';
import { appFor, closeWorld, given, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

const kafka = await startKafka('integrations page');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

const checkIn = (id: string, teamKey: string) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    source: 'urn:okr-tool',
    type: 'org.okr.checkin.held.v1',
    time: '2026-11-24T09:30:00Z',
    data: { teamKey, cycleName: '2026-Q4', heldOn: '2026-11-24' },
  });

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(kafka.skipped || skipWithoutBrowser('integrations page'))('the integrations page in Chromium, over a real broker', () => {
  const topic = `integrations-${randomUUID()}`;
  const group = `uptake-${randomUUID()}`;
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let consumer: Consumer;
  let base: string;
  let ledger: SqliteConsumerLedger;

  beforeAll(async () => {
    const client = new Kafka({ clientId: 'uptake-integrations-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const admin = client.admin();
    const producer = client.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'PAY', value: checkIn('ci-pay', 'PAY'), headers: { 'content-type': 'application/cloudevents+json' } },
        { key: 'NEWT', value: checkIn('ci-newt', 'NEWT'), headers: { 'content-type': 'application/cloudevents+json' } },
      ],
    });
    await Promise.all([admin.disconnect(), producer.disconnect()]);

    world = openWorld();
    await seedSmallOrganisation(world);
    await world.runner.start();
    const now = () => new Date(`${TODAY}T10:00:00.000Z`);
    ledger = new SqliteConsumerLedger(world.db, group, now);
    // The consumer as `serve` wires it.
    const status = new ConsumerStatus();
    const ingestion = kafkaIngestion({
      brokers: kafka.brokers,
      topics: [topic],
      groupId: group,
      deadLetterTopic: `${topic}.dlq`,
      log: quiet,
      onGaveUp: (error) => status.down(error),
      onConnection: (connected) => (connected ? status.connected() : status.disconnected()),
    });
    consumer = await startConsumer(
      {
        store: world.store,
        directory: new SqliteDirectory(world.db),
        references: new SqliteReferences(world.db),
        ledger,
        deadLetters: ingestion.deadLetters,
        unitOfWork: sqliteUnitOfWork(world.db),
        now,
      },
      ingestion.source,
      (batch) => status.consumed(batch.messages.length),
    );
    app = await appFor(world, {
      deadLetters: ledger,
      kafka: { group, topics: [topic], deadLetterTopic: `${topic}.dlq`, status, offsets: ingestion.offsets },
    });
    base = await listenOnLoopback(app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await consumer?.stop();
    await app?.close();
    if (world) await closeWorld(world);
    await kafka.stop();
  });

  it('a check-in for an unknown team is dead-lettered; once the team exists, re-drive records it, on the timeline too', async () => {
    const checkIns = () => (world.db.prepare("SELECT count(*) AS n FROM events WHERE type = 'CheckInHeld'").get() as { n: number }).n;
    // Payments' check-in stored (three were there), Newts' dead-lettered.
    await until('both messages consumed', () => checkIns() === 4 && ledger.page({ limit: 5 }).letters.length === 1);
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/integrations`);

    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Kafka consumer' }) });
    expect(await card.locator('.link-state').innerText()).toBe('Connected');
    expect(await card.innerText()).toContain(group);
    const lagRows = card.locator('.lag-list tbody tr');
    await expect.poll(() => lagRows.count()).toBe(2);
    for (const row of await lagRows.all()) expect(await row.locator('td').last().innerText()).toBe('0');

    const letter = page.locator('.letter');
    expect(await letter.count()).toBe(1);
    expect(await letter.locator('.letter__reason').innerText()).toBe('data.teamKey: no team with key NEWT');
    expect(await letter.locator('.letter__message').innerText()).toContain('"teamKey":"NEWT"');

    // The whole message with its headers, one link away.
    await letter.getByRole('link', { name: /Show with headers/ }).click();
    expect(await page.locator('pre').innerText()).toContain('"id":"ci-newt"');
    expect(await page.locator('.facts').innerText()).toContain('application/cloudevents+json');
    expect(await axeViolations(page)).toEqual([]);
    await page.goBack();

    await given(world, 'team', 'newt', '2026-11-24', {
      type: 'TeamRegistered',
      data: { teamId: 'newt', key: 'NEWT', name: 'Newts', areaId: 'eng', size: 3 },
    });
    await world.runner.catchUp();
    await letter.getByRole('button', { name: 'Re-drive' }).click();
    await expect.poll(() => page.locator('.team-status').innerText()).toMatch(/^Message \d+ re-driven: accepted\.$/);
    expect(await page.locator('.letter__redrive').innerText()).toContain('accepted');
    expect(page.url()).toBe(`${base}/integrations`);

    await page.goto(`${base}/timeline`);
    const timeline = await page.locator('main').innerText();
    expect(timeline).toMatch(new RegExp(`Dead letter ${topic} partition \\d offset \\d+ re-driven: accepted`));
    expect(timeline).toContain('Newts');
    expect(checkIns()).toBe(5);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('creates a token and shows it once; the page is accessible and looks right (docs/screenshots/integrations.png)', async () => {
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/integrations`);
    await page.getByLabel('Name').fill('OKR tool');
    await page.getByLabel('CloudEvents source').fill('urn:okr-tool');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('#new-token');
    await expect.poll(() => shown.count()).toBe(1);
    const token = await shown.inputValue();
    expect(token).toMatch(/^upt_[\w-]{43}$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('integrations.png'), fullPage: true });

    await page.goto(`${base}/integrations`);
    expect(await page.locator('#new-token').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    expect(await page.locator('.token-list tbody tr').innerText()).toContain('urn:okr-tool');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
