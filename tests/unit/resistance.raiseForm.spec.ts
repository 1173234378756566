/**
 * The raise form names the teams and stakeholders the log's read side lists, and says when it
 * lists only the first of them and how to reach the others.
 */
import { describe, expect, it } from 'vitest';
import type { TeamsAndStakeholders } from '../../projections/org/teamsAndStakeholders.ts';
import { type LogPage, logView } from '../../src/resistance/viewModels.ts';

const page = (named: TeamsAndStakeholders, area?: string): LogPage => ({
  choices: { areas: [{ areaId: 'eng', name: 'Engineering', depth: 0 }], coaches: [] },
  named,
  filters: { area },
  errors: {},
  signals: [],
  total: 0,
  earlier: null,
  later: null,
  summary: { bySeverity: [], overdueInterventions: 0 },
  today: '2026-11-25',
});

const field = (view: ReturnType<typeof logView>, name: string) => view.raiseForm.fields.find((f) => f.name === name)!;

describe('the raise form', () => {
  const pay = { teamId: 'pay', key: 'PAY', name: 'Payments' };
  const pat = { stakeholderId: 'pat', name: 'Pat', role: 'VP' };

  it('offers every team and stakeholder listed, after the choice of none, and says nothing more when all are listed', () => {
    const view = logView(page({ teams: { listed: [pay], total: 1 }, stakeholders: { listed: [pat], total: 1 } }), {});
    expect(field(view, 'teamId').options.map((o) => o.value)).toEqual(['', 'pay']);
    expect(field(view, 'stakeholderId').options.map((o) => o.label)).toEqual(['No particular person', 'Pat · VP']);
    expect(field(view, 'teamId').hint).toBeNull();
    expect(field(view, 'stakeholderId').hint).toBeNull();
  });

  it('says which it lists when there are more, and to filter by an area to name the others', () => {
    const named = { teams: { listed: [pay], total: 240 }, stakeholders: { listed: [pat], total: 3 } };
    const everywhere = logView(page(named), {});
    expect(field(everywhere, 'teamId').hint).toBe('The first 1 of 240 teams by key: filter the log by an area to name one of the others.');
    expect(field(everywhere, 'stakeholderId').hint).toBe(
      'The first 1 of 3 people by name: filter the log by an area to name one of the others.',
    );
    expect(field(logView(page(named, 'eng'), {}), 'teamId').hint).toBe(
      'The first 1 of 240 teams in Engineering by key: filter the log by an area below it to name one of the others.',
    );
  });
});
