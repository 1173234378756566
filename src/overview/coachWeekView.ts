import type {
  CheckInDue,
  CoachesPage,
  CoachSummary,
  CoachWeek,
  NeedKind,
  NewSignal,
  OrphanObjectives,
  OverdueIntervention,
  QuietStakeholder,
} from '../../projections/coachWeek/queries.ts';
import { NEW_SIGNAL_DAYS } from '../../projections/coachWeek/queries.ts';
import type { CycleSummary } from '../../projections/heatmap/types.ts';
import { daysBetween, formatDate } from '../adoption/calendar.ts';
import { areaPath, coachWeekPath, signalPath, stakeholderPath, teamPath } from '../http/urls.ts';
import { interventionLabels, kindLabels } from '../resistance/vocabulary.ts';
import { QUIET_STAKEHOLDER_WEEKS } from '../stakeholder/model.ts';
import { labelOf, plural } from '../shared/vocabulary.ts';
import { attitudeLabels } from './viewModels.ts';

function ago(days: number): string {
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return days < 14 ? `${days} days ago` : `${Math.floor(days / 7)} weeks ago`;
}

type Tone = 'high' | 'medium' | 'low';

interface NeedView {
  urgency: { tone: Tone; label: string };
  key: string | null;
  title: string;
  lines: string[];
  actions: { label: string; context: string; href: string }[];
}

interface SectionView {
  id: string;
  kind: NeedKind;
  title: string;
  hint: string;
  count: number;
  empty: string;
  items: NeedView[];
}

const sections: Record<NeedKind, { id: string; title: string; hint: string; empty: string; brief: [string, string] }> = {
  checkIns: {
    id: 'check-ins',
    title: 'Check-ins late or missing',
    hint: 'Teams past their check-in cadence, or without a check-in this cycle',
    empty: 'Nothing here — good. Every team in your areas is checking in on time.',
    brief: ['team behind on check-ins', 'teams behind on check-ins'],
  },
  orphans: {
    id: 'orphans',
    title: 'Objectives linked to no strategy',
    hint: 'Team objectives in the open cycle whose chain of links reaches no strategic theme',
    empty: 'Nothing here — good. Every team objective in your areas serves the strategy.',
    brief: ['team with orphan objectives', 'teams with orphan objectives'],
  },
  interventions: {
    id: 'interventions',
    title: 'Overdue interventions',
    hint: 'Planned, past their due date: yours, or in your areas',
    empty: 'Nothing here — good. No intervention is past its due date.',
    brief: ['overdue intervention', 'overdue interventions'],
  },
  signals: {
    id: 'signals',
    title: 'New signals',
    hint: `Resistance raised in the last ${NEW_SIGNAL_DAYS} days that nobody has acknowledged yet`,
    empty: 'Nothing here — good. No new resistance is waiting to be acknowledged.',
    brief: ['new signal', 'new signals'],
  },
  stakeholders: {
    id: 'stakeholders',
    title: 'Stakeholders not engaged for weeks',
    hint: `Not engaged in the last ${QUIET_STAKEHOLDER_WEEKS} weeks, or never; most influential first`,
    empty: 'Nothing here — good. Every stakeholder in your areas was engaged recently.',
    brief: ['quiet stakeholder', 'quiet stakeholders'],
  },
};

const where = (...parts: (string | null | undefined)[]): string =>
  parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');

function checkInView(team: CheckInDue, today: string, cycle: CycleSummary): NeedView {
  const { freshness, lastHeldOn, held, expected } = team.checkIn;
  const teamHref = (form: string) => `${teamPath(team.teamId)}?${new URLSearchParams({ cycle: cycle.cycleId }).toString()}#${form}`;
  return {
    urgency: freshness === 'never' ? { tone: 'high', label: 'None yet' } : { tone: 'medium', label: 'Late' },
    key: team.key,
    title: team.name,
    lines: [
      where(team.area.name, plural(team.size, 'person', 'people')),
      where(
        lastHeldOn === null
          ? `No check-in in ${cycle.name}`
          : `Last check-in ${formatDate(lastHeldOn)} (${ago(daysBetween(lastHeldOn, today))})`,
        `${held} of ${expected} held`,
      ),
    ],
    actions: [
      { label: 'Record check-in', context: `for ${team.name}`, href: teamHref('check-in-held') },
      { label: 'Record missed check-in', context: `for ${team.name}`, href: teamHref('check-in-missed') },
    ],
  };
}

function interventionView(intervention: OverdueIntervention, today: string, coachId: string): NeedView {
  const late = daysBetween(intervention.dueOn, today);
  const { owner, signal } = intervention;
  const ownerLabel = owner.coachId === coachId ? 'yours' : `owner ${owner.name ?? owner.coachId}`;
  return {
    urgency: { tone: late >= 7 ? 'high' : 'medium', label: `${plural(late, 'day')} overdue` },
    key: intervention.team?.key ?? null,
    title: `${labelOf(interventionLabels, intervention.kind)}: ${signal.description}`,
    lines: [
      where(`Due ${formatDate(intervention.dueOn)}`, ownerLabel),
      where(intervention.area.name, intervention.team?.name, `${labelOf(kindLabels, signal.kind)}, severity ${signal.severity}`),
    ],
    actions: [
      {
        label: 'Complete it',
        context: `: ${labelOf(interventionLabels, intervention.kind)} for ${signal.description}`,
        href: signalPath(intervention.signalId),
      },
    ],
  };
}

function signalView(signal: NewSignal, today: string): NeedView {
  return {
    urgency: { tone: signal.severity >= 4 ? 'high' : signal.severity === 3 ? 'medium' : 'low', label: `Severity ${signal.severity}` },
    key: signal.team?.key ?? null,
    title: signal.description,
    lines: [
      where(
        labelOf(kindLabels, signal.kind),
        `raised ${formatDate(signal.raisedOn)} (${ago(daysBetween(signal.raisedOn, today))})`,
        `source: ${signal.source}`,
      ),
      where(signal.area.name, signal.team?.name, signal.stakeholder?.name),
    ],
    actions: [{ label: 'Acknowledge', context: `: ${signal.description}`, href: signalPath(signal.signalId) }],
  };
}

function stakeholderView(stakeholder: QuietStakeholder, today: string): NeedView {
  const { lastEngagedOn } = stakeholder;
  return {
    urgency:
      lastEngagedOn === null
        ? { tone: 'high', label: 'Never engaged' }
        : { tone: 'medium', label: `${Math.floor(daysBetween(lastEngagedOn, today) / 7)} weeks quiet` },
    key: null,
    title: stakeholder.name,
    lines: [
      where(stakeholder.role, stakeholder.area.name),
      where(
        `Influence ${stakeholder.influence}, interest ${stakeholder.interest}`,
        stakeholder.attitude === null ? 'attitude not assessed' : labelOf(attitudeLabels, stakeholder.attitude),
      ),
      lastEngagedOn === null ? 'Never engaged' : `Last engaged ${formatDate(lastEngagedOn)} (${ago(daysBetween(lastEngagedOn, today))})`,
    ],
    actions: [{ label: 'Log an engagement', context: `with ${stakeholder.name}`, href: stakeholderPath(stakeholder.stakeholderId) }],
  };
}

function orphansView(team: OrphanObjectives): NeedView {
  const [first] = team.objectives;
  return {
    urgency: { tone: 'medium', label: 'Unlinked' },
    key: team.key,
    title: team.name,
    lines: [where(team.area.name, plural(team.objectives.length, 'orphan objective')), ...team.objectives.map((o) => `“${o.title}”`)],
    actions:
      first === undefined
        ? []
        : [
            {
              label: 'Link it up',
              context: `“${first.title}” of ${team.name}`,
              href: `/objectives/${encodeURIComponent(first.objectiveId)}#link`,
            },
          ],
  };
}

function sectionView(kind: NeedKind, items: NeedView[], empty = sections[kind].empty): SectionView {
  const { id, title, hint } = sections[kind];
  return { id, kind, title, hint, count: items.length, empty, items };
}

const totalNeeds = (coach: CoachSummary): number => Object.values(coach.needs).reduce((sum, n) => sum + n, 0);

const areaLinks = (coach: CoachSummary) => coach.areas.map((a) => ({ name: a.name, href: areaPath(a.areaId) }));

/** What `views/pages/coachWeek.eta` prints. */
export function coachWeekPageView(week: CoachWeek, cycle: CycleSummary | null) {
  const { coach, today } = week;
  const list = [
    sectionView(
      'checkIns',
      cycle === null ? [] : week.checkIns.map((t) => checkInView(t, today, cycle)),
      cycle === null ? 'Nothing here: no OKR cycle is open today, so no check-in is due.' : undefined,
    ),
    sectionView('orphans', week.orphans.map(orphansView), cycle === null ? 'Nothing here: no OKR cycle is open today.' : undefined),
    sectionView(
      'interventions',
      week.interventions.map((i) => interventionView(i, today, coach.coachId)),
    ),
    sectionView(
      'signals',
      week.signals.map((s) => signalView(s, today)),
    ),
    sectionView(
      'stakeholders',
      week.stakeholders.map((s) => stakeholderView(s, today)),
    ),
  ];
  const total = totalNeeds(coach);
  return {
    title: `${coach.name}'s week`,
    coach: { name: coach.name, email: coach.email, areas: areaLinks(coach) },
    todayLabel: formatDate(today),
    cycle: cycle === null ? null : { name: cycle.name },
    total,
    totalLabel: total === 0 ? 'Nothing needs you today.' : `${plural(total, 'thing needs', 'things need')} you today.`,
    summary: list.map((s) => ({ href: `#${s.id}`, title: s.title, count: s.count, needs: s.count > 0 })),
    sections: list,
  };
}

/** Coaches on one page of the list: at a million events an organisation has hundreds. */
export const COACH_PAGE = 50;

/** What `views/pages/coaches.eta` prints. */
export function coachesPageView({ coaches, more }: CoachesPage, paged: boolean) {
  const last = coaches.at(-1);
  return {
    title: 'Coaches',
    firstHref: paged ? '/coaches?all=1' : null,
    nextHref: more && last !== undefined ? `/coaches?${new URLSearchParams({ all: '1', after: last.coachId }).toString()}` : null,
    coaches: coaches.map((coach) => {
      const total = totalNeeds(coach);
      return {
        name: coach.name,
        email: coach.email,
        href: coachWeekPath(coach.coachId),
        areas: areaLinks(coach),
        needs: total === 0 ? null : { count: total, label: `${total === 1 ? 'thing needs' : 'things need'} them today` },
        breakdown: (Object.keys(sections) as NeedKind[])
          .filter((kind) => coach.needs[kind] > 0)
          .map((kind) => plural(coach.needs[kind], ...sections[kind].brief)),
      };
    }),
  };
}
