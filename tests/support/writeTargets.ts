/**
 * A valid body for every form target, over the small organisation: what the access matrix, the
 * CSRF and fuzz specs and the XSS spec post. Each target has an instance inside Platform (Ada's
 * area: a team, a signal, a stakeholder) and one outside it (Engineering, Search, R&D), so
 * a coach's scope is tried on a command that would otherwise succeed.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { streamName, type Category } from '../../src/shared/streams.ts';
import { CYCLE, postForm, TODAY, type World } from './webApp.ts';

/** One POST as a browser sends it: a URL and its form fields, made when sent (fresh keys, current revisions). */
export interface FormPost {
  url: string;
  fields: () => Promise<Record<string, string>>;
}

export interface WriteTarget {
  /** The route as Fastify names it (`/teams/:teamId/resize`). */
  route: string;
  inside: FormPost;
  outside: FormPost;
  /** The fields a person types free text into (what the XSS spec fills). */
  text: readonly string[];
}

/** The things the targets act on, made by an admin through the forms (`seedWriteTargets`). */
export interface TargetIds {
  signal: { inside: string; outside: string };
  interventions: { inside: [string, string]; outside: [string, string] };
  stakeholder: { inside: string; outside: string };
  /** Two areas under Platform: moving one under the other stays inside. */
  platformAreas: [string, string];
  /** A team in Platform with no adoption recorded yet (as Search has none), so every adoption form records something. */
  team: string;
  /** A second coach, so assigning and unassigning leaves Ada's areas as they are. */
  coach: string;
  /** A past cycle that can be closed without closing the cycle the team forms record in. */
  pastCycle: string;
  /** A strategic theme, and an area objective in Platform and one in Engineering, none linked. */
  theme: string;
  /** A second theme, dropped without ending the links made to the first. */
  spareTheme: string;
  objective: { inside: string; outside: string };
}

let teamKeys = 0;
const upper = () => `T${(++teamKeys).toString(36).toUpperCase()}${randomUUID().slice(0, 4).replace(/\d/g, 'X').toUpperCase()}`;

async function created(app: FastifyInstance, url: string, fields: Record<string, string>): Promise<string> {
  const key = randomUUID();
  const keyName = url === '/organisation/register-team' ? 'formKey' : 'key';
  const response = await postForm(app, url, { ...fields, [keyName]: key });
  if (response.statusCode !== 303) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 500)}`);
  return key;
}

/** As an admin (`app` signed in as one), creates what the targets act on. */
export async function seedWriteTargets(app: FastifyInstance): Promise<TargetIds> {
  const area = (name: string, code: string) => created(app, '/organisation/register-area', { code, name, parentAreaId: 'plat' });
  const platformAreas: [string, string] = [await area('Platform A', 'PLATA'), await area('Platform B', 'PLATB')];
  const team = await created(app, '/organisation/register-team', { key: 'TIN', name: 'Team Inside', areaId: 'plat', size: '6' });
  const coach = await created(app, '/organisation/register-coach', { name: 'Bob Coach', email: 'bob.coach@test.example' });
  const signal = async (areaId: string) =>
    created(app, '/resistance', { areaId, kind: 'no-time', severity: '3', raisedOn: TODAY, description: 'Skips check-ins' });
  const signals = { inside: await signal('plat'), outside: await signal('eng') };
  const plan = (signalId: string) =>
    created(app, `/resistance/${signalId}/plan`, { kind: 'workshop', ownerId: coach, dueOn: '2026-12-10' });
  const stakeholder = (areaId: string) =>
    created(app, '/stakeholders', { name: 'Sam Sponsor', role: 'VP', areaId, influence: '4', interest: '3' });
  const pastCycle = await created(app, '/cycles', {
    name: '2026-Q3',
    startsOn: '2026-07-01',
    endsOn: '2026-09-30',
    checkInCadenceDays: '14',
  });
  const theme = await created(app, '/alignment/themes', { title: 'Grow recurring revenue' });
  const spareTheme = await created(app, '/alignment/themes', { title: 'Open new markets' });
  const objective = (areaId: string) => created(app, '/alignment/objectives', { title: 'Self-service everything', areaId, cycleId: CYCLE });
  return {
    theme,
    spareTheme,
    objective: { inside: await objective('plat'), outside: await objective('eng') },
    signal: signals,
    interventions: {
      inside: [await plan(signals.inside), await plan(signals.inside)],
      outside: [await plan(signals.outside), await plan(signals.outside)],
    },
    stakeholder: { inside: await stakeholder('plat'), outside: await stakeholder('eng') },
    platformAreas,
    team,
    coach,
    pastCycle,
  };
}

/**
 * Every form target with a body that succeeds for someone allowed to send it. Order matters
 * where a write ends what later ones need (moving a team, resolving a signal): those come last.
 */
export function writeTargets(world: World, ids: TargetIds): WriteTarget[] {
  const revision = async (category: Category, id: string) => ({
    revision: String(await world.store.streamRevision(streamName(category, id))),
  });
  const keyed = (fields: Record<string, string>) => async () => ({ ...fields, key: randomUUID() });
  const post = (url: string, fields: () => Promise<Record<string, string>>): FormPost => ({ url, fields });
  /** The same form on a thing inside Platform and on one outside it. */
  const both = (
    route: string,
    things: { inside: string; outside: string },
    fields: (id: string) => () => Promise<Record<string, string>>,
    text: readonly string[] = [],
  ): WriteTarget => {
    const url = (id: string) => route.replace(/:[a-zA-Z]+/, id);
    return {
      route,
      inside: post(url(things.inside), fields(things.inside)),
      outside: post(url(things.outside), fields(things.outside)),
      text,
    };
  };
  const teams = { inside: ids.team, outside: 'srch' };
  const team = (form: string, fields: Record<string, string>, text: readonly string[] = []) =>
    both(`/teams/:teamId/${form}`, teams, () => keyed({ ...fields, cycleId: CYCLE }), text);
  const signal = (form: string, fields: Record<string, string>, text: readonly string[]) =>
    both(`/resistance/:signalId/${form}`, ids.signal, (id) => async () => ({ ...fields, ...(await revision('signal', id)) }), text);
  const intervention = (action: string, index: 0 | 1, fields: Record<string, string>, text: readonly string[]): WriteTarget => {
    const route = `/resistance/:signalId/interventions/:interventionId/${action}`;
    const at = (side: 'inside' | 'outside') =>
      post(`/resistance/${ids.signal[side]}/interventions/${ids.interventions[side][index]}/${action}`, async () => ({
        ...fields,
        ...(await revision('signal', ids.signal[side])),
      }));
    return { route, inside: at('inside'), outside: at('outside'), text };
  };
  const stakeholder = (form: string, fields: (id: string) => () => Promise<Record<string, string>>, text: readonly string[] = []) =>
    both(`/stakeholders/:stakeholderId/${form}`, ids.stakeholder, fields, text);
  const register = (
    form: string,
    inside: () => Promise<Record<string, string>>,
    outside: () => Promise<Record<string, string>>,
    text: readonly string[],
  ) => ({
    route: `/organisation/${form}`,
    inside: post(`/organisation/${form}`, inside),
    outside: post(`/organisation/${form}`, outside),
    text,
  });
  const areaCode = () =>
    `A${randomUUID()
      .slice(0, 6)
      .replace(/[^a-z]/g, 'X')
      .toUpperCase()}`;
  const newArea = (parentAreaId: string) => async () => ({ code: areaCode(), name: `Area ${areaCode()}`, parentAreaId, key: randomUUID() });
  const newTeam = (areaId: string) => async () => ({ key: upper(), name: `Team ${upper()}`, areaId, size: '5', formKey: randomUUID() });
  const newCoach = async () => ({ name: 'Cora Coach', email: `cora.${randomUUID().slice(0, 8)}@test.example`, key: randomUUID() });

  return [
    register('register-area', newArea('plat'), newArea('eng'), ['code', 'name']),
    register('register-team', newTeam('plat'), newTeam('eng'), ['key', 'name']),
    register('register-coach', newCoach, newCoach, ['name', 'email']),
    {
      route: '/organisation/areas/:areaId/rename-area',
      inside: post(`/organisation/areas/${ids.platformAreas[0]}/rename-area`, async () => ({
        name: `Renamed ${areaCode()}`,
        ...(await revision('area', ids.platformAreas[0])),
      })),
      outside: post('/organisation/areas/rnd/rename-area', async () => ({
        name: `Renamed ${areaCode()}`,
        ...(await revision('area', 'rnd')),
      })),
      text: ['name'],
    },
    {
      route: '/organisation/areas/:areaId/move-area',
      inside: post(`/organisation/areas/${ids.platformAreas[1]}/move-area`, async () => ({
        parentAreaId: ids.platformAreas[0],
        ...(await revision('area', ids.platformAreas[1])),
      })),
      outside: post('/organisation/areas/rnd/move-area', async () => ({ parentAreaId: 'eng', ...(await revision('area', 'rnd')) })),
      text: [],
    },
    both('/organisation/areas/:areaId/assign-coach', { inside: 'plat', outside: 'eng' }, () => async () => ({ coachId: ids.coach })),
    both('/organisation/areas/:areaId/unassign-coach', { inside: 'plat', outside: 'eng' }, () => async () => ({ coachId: ids.coach })),
    team('check-in-held', { heldOn: TODAY, attendance: '80', confidence: '70' }),
    team('check-in-missed', { dueOn: '2026-11-11', reason: 'Offsite' }, ['reason']),
    team('training-completed', { kind: 'writing-okrs', participants: '4', completedOn: TODAY }),
    team('okrs-drafted', { objectives: '2', keyResults: '5', draftedOn: TODAY }),
    team('okrs-published', { publishedOn: TODAY }),
    team('key-result-progress', { keyResultRef: 'KR1', progress: '40', reportedOn: TODAY }, ['keyResultRef', 'keyResultRef-other']),
    team('cycle-review', { heldOn: TODAY }),
    team('retrospective', { heldOn: TODAY, actions: '3' }),
    both('/teams/:teamId/resize', teams, (id) => async () => ({ size: '9', ...(await revision('team', id)) })),
    {
      route: '/teams/:teamId/move',
      inside: post(`/teams/${ids.team}/move`, async () => ({ areaId: ids.platformAreas[0], ...(await revision('team', ids.team)) })),
      outside: post('/teams/srch/move', async () => ({ areaId: 'rnd', ...(await revision('team', 'srch')) })),
      text: [],
    },
    both(
      '/resistance',
      { inside: 'plat', outside: 'eng' },
      (areaId) => keyed({ areaId, kind: 'unconvinced', severity: '2', raisedOn: TODAY, description: 'Doubts the value' }),
      ['description'],
    ),
    signal('acknowledge', { acknowledgedOn: TODAY }, []),
    both('/resistance/:signalId/plan', ids.signal, () => keyed({ kind: 'coaching-session', ownerId: ids.coach, dueOn: '2026-12-04' })),
    intervention('complete', 0, { outcome: 'Agreed to try', completedOn: TODAY }, ['outcome']),
    intervention('cancel', 1, { reason: 'Not needed', cancelledOn: TODAY }, ['reason']),
    signal('escalate', { to: 'The sponsor', reason: 'No change', escalatedOn: TODAY }, ['to', 'reason']),
    signal('resolve', { resolution: 'Check-ins back on', resolvedOn: TODAY, cancelOpenInterventions: 'on' }, ['resolution']),
    both(
      '/stakeholders',
      { inside: 'plat', outside: 'eng' },
      (areaId) => keyed({ name: 'Rita Resistor', role: 'Head of Sales', areaId, influence: '5', interest: '2' }),
      ['name', 'role'],
    ),
    stakeholder('engagement', () => keyed({ kind: 'meeting', occurredOn: TODAY, sentiment: '1', coachId: ids.coach, note: 'Went well' }), [
      'note',
    ]),
    stakeholder('attitude', () => async () => ({ attitude: 'skeptic', note: 'Asks for proof' }), ['note']),
    stakeholder('desired', () => async () => ({ attitude: 'champion', reason: 'Owns the roadmap' }), ['reason']),
    stakeholder('adkar', () => async () => ({ stage: 'knowledge', note: 'Trained' }), ['note']),
    stakeholder('map', (id) => async () => ({ influence: '2', interest: '5', ...(await revision('stakeholder', id)) })),
    both('/alignment/themes', { inside: '', outside: '' }, () => keyed({ title: 'Customers succeed alone' }), ['title']),
    both(
      '/alignment/objectives',
      { inside: 'plat', outside: 'eng' },
      (areaId) => keyed({ title: 'Faster onboarding', areaId, cycleId: CYCLE }),
      ['title'],
    ),
    both('/alignment/team-objectives', teams, (teamId) => keyed({ title: 'Payouts in a day', teamId, cycleId: CYCLE }), ['title']),
    // Themes are the organisation's: admins only, so inside and outside are the same theme.
    both(
      '/themes/:themeId/rename',
      { inside: ids.theme, outside: ids.theme },
      (id) => async () => ({ title: `Grow revenue ${randomUUID().slice(0, 8)}`, ...(await revision('theme', id)) }),
      ['title'],
    ),
    both('/themes/:themeId/drop', { inside: ids.spareTheme, outside: ids.spareTheme }, (id) => async () => revision('theme', id)),
    both(
      '/objectives/:objectiveId/rename',
      ids.objective,
      (id) => async () => ({ title: `Onboarding ${randomUUID().slice(0, 8)}`, ...(await revision('objective', id)) }),
      ['title'],
    ),
    both('/objectives/:objectiveId/link', ids.objective, (id) => async () => ({
      parentId: ids.theme,
      ...(await revision('objective', id)),
    })),
    both('/objectives/:objectiveId/key-result', ids.objective, () => keyed({ title: 'Time to first deploy under a day' }), ['title']),
    both('/objectives/:objectiveId/unlink', ids.objective, (id) => async () => revision('objective', id)),
    both('/objectives/:objectiveId/drop', ids.objective, (id) => async () => revision('objective', id)),
    {
      route: '/cycles',
      inside: post('/cycles', keyed({ name: '2027-Q1', startsOn: '2027-01-01', endsOn: '2027-03-31', checkInCadenceDays: '14' })),
      outside: post('/cycles', keyed({ name: '2027-Q2', startsOn: '2027-04-01', endsOn: '2027-06-30', checkInCadenceDays: '14' })),
      text: ['name'],
    },
    {
      route: '/cycles/:cycleId/close',
      inside: post(`/cycles/${ids.pastCycle}/close`, async () => ({ closedOn: TODAY, ...(await revision('cycle', ids.pastCycle)) })),
      outside: post(`/cycles/${ids.pastCycle}/close`, async () => ({ closedOn: TODAY, ...(await revision('cycle', ids.pastCycle)) })),
      text: [],
    },
  ];
}
