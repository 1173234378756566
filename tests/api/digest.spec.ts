/**
 * The leadership digest over real components (SQLite store and read models): the page and the
 * Markdown of a week show the areas that moved with the facts that moved them, the signals raised
 * and escalated in it, the stalled areas and the stakeholders who moved; `uptake digest` prints
 * the Markdown and refuses a bad week by name.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDigestQueries } from '../../projections/digest/queries.ts';
import { SqliteNames } from '../../projections/org/names.ts';
import { SqliteTimelineQueries } from '../../projections/timeline.ts';
import { digestOf, readDigest } from '../../src/digest/digest.ts';
import { digestMarkdown } from '../../src/digest/markdown.ts';
import {
  appFor,
  CYCLE,
  closeWorld,
  given,
  mainOf,
  openWorld,
  seedSmallOrganisation,
  storeNoPageMayRead,
  TODAY,
  type World,
} from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

/**
 * Week 46 (9–15 November 2026) on top of the small organisation: Search (Engineering) is trained
 * and drafts and publishes its OKRs; Labs (R&D <Labs>) holds no check-in when one falls due on
 * 12 November and records nothing; a signal is raised and sig-1 escalated; Vera moves from
 * skeptic to supporter and on to desire.
 */
async function seedWeek46(world: World): Promise<void> {
  await given(world, 'team', 'lab', '2026-09-21', {
    type: 'TeamRegistered',
    data: { teamId: 'lab', key: 'LAB', name: 'Labs', areaId: 'rnd', size: 5 },
  });
  await given(world, 'team', 'lab', '2026-09-26', {
    type: 'TrainingCompleted',
    data: { teamId: 'lab', kind: 'okr-basics', participants: 5, completedOn: '2026-09-26' },
  });
  await given(world, 'team', 'lab', '2026-10-02', {
    type: 'OkrsDrafted',
    data: { teamId: 'lab', cycleId: CYCLE, objectives: 1, keyResults: 3, draftedOn: '2026-10-02' },
  });
  await given(world, 'team', 'lab', '2026-10-05', {
    type: 'OkrsPublished',
    data: { teamId: 'lab', cycleId: CYCLE, publishedOn: '2026-10-05' },
  });
  for (const heldOn of ['2026-10-15', '2026-10-29'])
    await given(world, 'team', 'lab', heldOn, { type: 'CheckInHeld', data: { teamId: 'lab', cycleId: CYCLE, heldOn } });
  await given(world, 'team', 'srch', '2026-11-10', {
    type: 'TrainingCompleted',
    data: { teamId: 'srch', kind: 'okr-basics', participants: 4, completedOn: '2026-11-10' },
  });
  await given(world, 'team', 'srch', '2026-11-11', {
    type: 'OkrsDrafted',
    data: { teamId: 'srch', cycleId: CYCLE, objectives: 2, keyResults: 5, draftedOn: '2026-11-11' },
  });
  await given(world, 'team', 'srch', '2026-11-13', {
    type: 'OkrsPublished',
    data: { teamId: 'srch', cycleId: CYCLE, publishedOn: '2026-11-13' },
  });
  await given(world, 'signal', 'sig-2', '2026-11-10', {
    type: 'ResistanceSignalRaised',
    data: {
      signalId: 'sig-2',
      areaId: 'rnd',
      teamId: 'lab',
      kind: 'unconvinced',
      severity: 3,
      description: 'Labs call OKRs *paperwork* for [research]',
      source: 'observed',
      raisedOn: '2026-11-10',
    },
  });
  await given(world, 'signal', 'sig-1', '2026-11-13', {
    type: 'ResistanceSignalEscalated',
    data: { signalId: 'sig-1', to: 'VP Engineering', reason: 'Release crunch keeps winning', escalatedOn: '2026-11-13' },
  });
  await given(world, 'stakeholder', 'vera', '2026-10-01', {
    type: 'StakeholderIdentified',
    data: { stakeholderId: 'vera', name: 'Vera <Patel>', role: 'VP Engineering', areaId: 'eng', influence: 5, interest: 4 },
  });
  await given(world, 'stakeholder', 'vera', '2026-10-20', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'vera', attitude: 'skeptic' },
  });
  await given(world, 'stakeholder', 'vera', '2026-11-11', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'vera', attitude: 'neutral' },
  });
  await given(world, 'stakeholder', 'vera', '2026-11-14', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'vera', attitude: 'supporter' },
  });
  await given(world, 'stakeholder', 'vera', '2026-11-14', { type: 'AdkarStageAssessed', data: { stakeholderId: 'vera', stage: 'desire' } });
  // Assessed again in the week, as before it: no move.
  await given(world, 'stakeholder', 'lars', '2026-10-01', {
    type: 'StakeholderIdentified',
    data: { stakeholderId: 'lars', name: 'Lars Ek', role: 'Head of Platform', areaId: 'plat', influence: 4, interest: 2 },
  });
  await given(world, 'stakeholder', 'lars', '2026-10-02', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'lars', attitude: 'neutral' },
  });
  await given(world, 'stakeholder', 'lars', '2026-11-12', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'lars', attitude: 'neutral' },
  });
  await world.runner.catchUp();
}

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await seedWeek46(world);
  app = await appFor(world, { store: storeNoPageMayRead(world) }, 'leader');
}, 60_000);

afterAll(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

const scoreOf = (areaId: string, asOf: string) =>
  world.queries.heatmap(CYCLE, asOf)?.areas.find((a) => a.areaId === areaId)?.scores?.overall;

function markdownOf(week: { year: number; week: number }): string {
  const sources = { heatmap: world.queries, digest: new SqliteDigestQueries(world.db), timeline: new SqliteTimelineQueries(world.db) };
  return digestMarkdown(digestOf(readDigest(sources, week, TODAY), new SqliteNames(world.db)), 'https://uptake.example.org');
}

describe('the digest of week 46', () => {
  it('the scores the digest compares moved as the week was seeded', () => {
    expect(scoreOf('eng', '2026-11-15')).toBeGreaterThan(scoreOf('eng', '2026-11-08')!);
    expect(scoreOf('rnd', '2026-11-15')).toBeLessThan(scoreOf('rnd', '2026-11-08')!);
  });

  it('the page lists the movers with their facts, the signals, the stalled area and the stakeholder who moved', async () => {
    const res = await app.inject({ url: '/digest?week=2026-W46' });
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    expect(main).toContain('Week 2026-W46');
    expect(main).toContain('9 Nov 2026 – 15 Nov 2026');
    const up = /id="digest-up"[\s\S]*?<\/section>/.exec(main)?.[0] ?? '';
    expect(up).toContain('Engineering');
    expect(up).toContain(`${scoreOf('eng', '2026-11-08')} → ${scoreOf('eng', '2026-11-15')}`);
    expect(up).toContain('Search &amp; &lt;Discovery&gt;');
    expect(up).toMatch(/OKRs published on 13 Nov 2026/);
    expect(up).toContain('href="/evidence?team=srch&amp;area=eng&amp;cycle=2026-q4&amp;dimension=overall&amp;asOf=2026-11-15"');
    // Payments' check-in of 12 November is Platform's and Engineering's.
    expect(up).toMatch(/Payments<\/a>: <a [^>]*>Check-in held on 12 Nov 2026/);
    const down = /id="digest-down"[\s\S]*?<\/section>/.exec(main)?.[0] ?? '';
    expect(down).toContain('R&amp;D &lt;Labs&gt;');
    expect(down).toContain('No adoption facts this week');
    expect(down).not.toContain('Engineering');
    const raised = /id="digest-raised"[\s\S]*?<\/section>/.exec(main)?.[0] ?? '';
    expect(raised).toContain('Labs call OKRs *paperwork* for [research]');
    expect(raised).toContain('href="/resistance/sig-2"');
    expect(raised).not.toContain('sig-1');
    const escalated = /id="digest-escalated"[\s\S]*?<\/section>/.exec(main)?.[0] ?? '';
    expect(escalated).toContain('Search skips check-ins during the release crunch');
    expect(escalated).toContain('escalated to VP Engineering');
    const stalled = /id="digest-stalled"[\s\S]*?<\/section>/.exec(main)?.[0] ?? '';
    expect(stalled).toContain('R&amp;D &lt;Labs&gt;');
    expect(stalled).toContain('no adoption facts recorded this week');
    expect(stalled).not.toContain('Engineering');
    const stakeholders = /id="digest-stakeholders"[\s\S]*?<\/section>/.exec(main)?.[0] ?? '';
    expect(stakeholders).toContain('Vera &lt;Patel&gt;');
    expect(stakeholders).toContain('Attitude Skeptic → Supporter; ADKAR not assessed → Desire <span class="muted">(14 Nov 2026)</span>');
    expect(stakeholders).not.toContain('Lars');
  });

  it('the Markdown says the same, escaped, with absolute links', () => {
    const markdown = markdownOf({ year: 2026, week: 46 });
    expect(markdown).toMatch(/^# Leadership digest, 2026-W46\n/);
    const up = markdown.slice(markdown.indexOf('## Areas that moved up'), markdown.indexOf('## Areas that moved down'));
    expect(up).toContain(
      `- [Engineering](<https://uptake.example.org/areas/eng?cycle=2026-q4&asOf=2026-11-15>) (ENG): ${scoreOf('eng', '2026-11-08')} → ${scoreOf('eng', '2026-11-15')}`,
    );
    expect(up).toContain(
      '[Search \\& \\<Discovery\\>](<https://uptake.example.org/teams/srch?cycle=2026-q4&asOf=2026-11-15>): OKRs published on 13 Nov 2026',
    );
    const down = markdown.slice(markdown.indexOf('## Areas that moved down'), markdown.indexOf('## New signals'));
    expect(down).toContain('[R\\&D \\<Labs\\>]');
    expect(markdown).toContain('Labs call OKRs \\*paperwork\\* for \\[research\\]');
    expect(markdown).toContain('escalated to VP Engineering');
    expect(markdown).toContain(
      '[Vera \\<Patel\\>](<https://uptake.example.org/stakeholders/vera>) (VP Engineering, Engineering): Attitude Skeptic → Supporter; ADKAR not assessed → Desire (14 Nov 2026)',
    );
  });

  it('by default shows the last complete week, with the picker at it and no week after the current one', async () => {
    const main = mainOf((await app.inject({ url: '/digest' })).body);
    expect(main).toContain('Week 2026-W47');
    expect(main).toContain('value="2026-W47" max="2026-W48"');
    expect(main).toContain('href="/digest?week=2026-W48"');
    const current = mainOf((await app.inject({ url: '/digest?week=2026-W48' })).body);
    expect(current).toContain('in progress: up to 25 Nov 2026');
    expect(current).not.toContain('rel="next"');
  });

  it.each([
    ['2026-W60', 'must be a week from 01 to 53: 2026 has 53 ISO weeks'],
    ['2025-W53', 'must be a week from 01 to 52: 2025 has 52 ISO weeks'],
    ['2026-11-23', 'must be an ISO week, YYYY-Www (e.g. 2026-W48)'],
    ['2026-W49', 'must not be after the current week, 2026-W48: nothing has happened in it yet'],
    ['<script>', 'must be an ISO week, YYYY-Www (e.g. 2026-W48)'],
  ])('refuses week=%s with 422 and the rule beside the picker, showing the default week', async (week, rule) => {
    const res = await app.inject({ url: `/digest?week=${encodeURIComponent(week)}` });
    expect(res.statusCode).toBe(422);
    const main = mainOf(res.body);
    expect(main).toContain(`week &quot;${week.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}&quot; ${rule}`);
    expect(main).toContain('aria-invalid="true"');
    expect(main).toContain('Week 2026-W47');
    expect(main).not.toContain('<script>');
  });

  it('a week no cycle covers says so instead of scores', async () => {
    const main = mainOf((await app.inject({ url: '/digest?week=2026-W30' })).body);
    expect(main).toContain('No OKR cycle ran during this week');
    expect(markdownOf({ year: 2026, week: 30 })).toContain('_No OKR cycle ran during this week, so there are no scores to compare._');
  });
});

describe('uptake digest', () => {
  async function uptake(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const { EVENTSTORE_URL: _esdb, KAFKA_BROKERS: _kafka, ...env } = process.env;
    const child = spawn('npx', ['tsx', 'src/main.ts', 'digest', ...args], {
      env: { ...env, UPTAKE_DB: join(world.dir, 'uptake.db'), LOG_LEVEL: 'silent', PORT: '3999', HOST: 'uptake.test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stdout, stderr };
  }

  it('prints the week as Markdown, the same as the digest reads in the test', { timeout: 90_000 }, async () => {
    const printed = await uptake('--week', '2026-W46', '--today', TODAY, '--base-url', 'https://uptake.example.org/');
    expect(printed.stderr).toBe('');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(markdownOf({ year: 2026, week: 46 }));
  });

  it('links to http://HOST:PORT by default and reads the last complete week', { timeout: 90_000 }, async () => {
    const printed = await uptake('--today', TODAY);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^# Leadership digest, 2026-W47\n/);
    expect(printed.stdout).toContain('](<http://uptake.test:3999/');
  });

  it.each([
    [['--week', '2026-W54', '--today', TODAY], 'uptake: --week: "2026-W54" must be a week from 01 to 53: 2026 has 53 ISO weeks'],
    [
      ['--week', '2026-W49', '--today', TODAY],
      'uptake: --week: "2026-W49" must not be after the current week, 2026-W48: nothing has happened in it yet',
    ],
    [['--today', '2026-02-30'], 'uptake: --today: "2026-02-30" must be a calendar date, YYYY-MM-DD'],
  ])('refuses %j with the option and the rule, exit code 1', { timeout: 90_000 }, async (args, message) => {
    const refused = await uptake(...args);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe(message);
  });
});
