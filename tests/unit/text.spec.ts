import { describe, expect, it } from 'vitest';
import { RegisterArea } from '../../src/area/commands.ts';
import { RegisterCoach } from '../../src/coach/commands.ts';
import { OpenCycle } from '../../src/cycle/commands.ts';
import {
  CancelIntervention,
  CompleteIntervention,
  EscalateResistanceSignal,
  RaiseResistanceSignal,
  ResolveResistanceSignal,
} from '../../src/resistance/commands.ts';
import { parseCommand, type CommandDefinition } from '../../src/shared/command.ts';
import { AssessAttitude, IdentifyStakeholder, LogEngagement } from '../../src/stakeholder/commands.ts';
import { AlignOkrs, MissCheckIn, RegisterTeam, ReportKeyResultProgress } from '../../src/team/commands.ts';
import { expectError } from '../support/givenWhenThen.ts';

/** Every free-text field of every command, with valid data around it. */
const fields: readonly [CommandDefinition, Record<string, unknown>, string][] = [
  [RegisterArea, { areaId: 'a', code: 'AB', name: 'Sales', parentAreaId: null }, 'name'],
  [RegisterCoach, { coachId: 'c', name: 'Ana Costa', email: 'ana@example.org' }, 'name'],
  [OpenCycle, { cycleId: 'q', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 }, 'name'],
  [RegisterTeam, { teamId: 't', key: 'AB', name: 'Platform', areaId: 'a', size: 3 }, 'name'],
  [AlignOkrs, { teamId: 't', cycleId: 'q', parentRef: 'company-o1', alignedOn: '2026-10-02' }, 'parentRef'],
  [MissCheckIn, { teamId: 't', cycleId: 'q', dueOn: '2026-10-02', reason: 'holiday' }, 'reason'],
  [ReportKeyResultProgress, { teamId: 't', cycleId: 'q', keyResultRef: 'KR1', progress: 0.5, reportedOn: '2026-10-02' }, 'keyResultRef'],
  [IdentifyStakeholder, { stakeholderId: 's', name: 'Pat Lee', role: 'VP Sales', areaId: 'a', influence: 3, interest: 3 }, 'name'],
  [IdentifyStakeholder, { stakeholderId: 's', name: 'Pat Lee', role: 'VP Sales', areaId: 'a', influence: 3, interest: 3 }, 'role'],
  [AssessAttitude, { stakeholderId: 's', attitude: 'neutral', note: 'asked good questions' }, 'note'],
  [
    LogEngagement,
    { stakeholderId: 's', engagementId: 'e', kind: 'meeting', occurredOn: '2026-10-02', sentiment: 0, coachId: 'c', note: 'fine' },
    'note',
  ],
  [
    RaiseResistanceSignal,
    {
      signalId: 'g',
      areaId: 'a',
      kind: 'unaware',
      severity: 2,
      description: 'never heard of it',
      source: 'observed',
      raisedOn: '2026-10-02',
    },
    'description',
  ],
  [CompleteIntervention, { signalId: 'g', interventionId: 'i', outcome: 'went well', completedOn: '2026-10-02' }, 'outcome'],
  [CancelIntervention, { signalId: 'g', interventionId: 'i', reason: 'not needed', cancelledOn: '2026-10-02' }, 'reason'],
  [ResolveResistanceSignal, { signalId: 'g', resolution: 'adopted', resolvedOn: '2026-10-02' }, 'resolution'],
  [EscalateResistanceSignal, { signalId: 'g', to: 'CTO', reason: 'blocked', escalatedOn: '2026-10-02' }, 'to'],
  [EscalateResistanceSignal, { signalId: 'g', to: 'CTO', reason: 'blocked', escalatedOn: '2026-10-02' }, 'reason'],
];

describe('free text', () => {
  it.each(
    fields.flatMap(([definition, data, field]) =>
      ['\u0000', '\u0007', '\u001b', '\u007f', '\u202e', '\u2066', '\u2069'].map(
        (bad) => [definition.type, field, bad, definition, data] as const,
      ),
    ),
  )('%s refuses %s with %j', (_, field, bad, definition, data) => {
    const error = expectError(() => parseCommand(definition, { ...data, [field]: `ab${bad}cd` }), field);
    expect(error.issues[0]!.message).toBe('must not contain control or direction-override characters');
  });

  it("keeps tabs and new lines, trims, and reads a browser's CRLF as a new line", () => {
    const { data } = parseCommand(AssessAttitude, { stakeholderId: 's', attitude: 'neutral', note: '  first\tline\r\nsecond line  ' });
    expect(data.note).toBe('first\tline\nsecond line');
  });
});
