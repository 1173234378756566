import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AreaRow, CycleSummary, TeamDetail } from '../../../projections/heatmap/types.ts';
import type { HandlerDeps } from '../../shared/directory.ts';
import { completeTraining, moveTeam, recordAdoption, resizeTeam } from '../../team/handlers.ts';
import type { CommandContext } from '../../shared/commandHandler.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { Id } from '../../shared/event.ts';
import { streamName } from '../../shared/streams.ts';
import {
  AlignOkrs,
  CompleteTraining,
  DraftOkrs,
  HoldCheckIn,
  HoldCycleReview,
  HoldRetrospective,
  MissCheckIn,
  MoveTeam,
  PublishOkrs,
  ReportKeyResultProgress,
  ResizeTeam,
} from '../../team/commands.ts';
import { TrainingKind } from '../../team/events.ts';
import { asCommand, formView, REVISION, submitForm, type FormSpec, type FormState, type Option } from '../legacyForms.ts';
import { parseQuery, SelectionQuery } from '../query.ts';
import { areaUrl, heatmapUrl, teamPath, type Selection } from '../urls.ts';
import { columnHeads, teamRowsView } from '../../overview/viewModels.ts';
import { sendHtml } from '../views.ts';
import { requireSelection, type ReadRouteOptions } from '../../overview/selection.ts';

export interface TeamRouteOptions extends ReadRouteOptions {
  application: HandlerDeps;
  waitFor: (position: bigint) => Promise<boolean>;
  now: () => Date;
}

type Execute = (deps: HandlerDeps, data: Record<string, unknown>, ctx: CommandContext, expectedRevision?: number) => Promise<{ position: bigint }>;

/** Form fields as a command; the command handler validates them against the command's schema. */
const cycleField = { name: 'cycleId', label: 'Cycle', kind: 'select' } as const;

/** Every form on the team page: what it asks for, and the command handler it calls. */
const teamForms: readonly (FormSpec & { execute: Execute })[] = [
  {
    id: 'check-in-held',
    schema: HoldCheckIn.schema,
    title: 'Check-in held',
    submit: 'Record check-in',
    recorded: 'Check-in recorded.',
    fields: [
      { name: 'heldOn', label: 'Held on', kind: 'date' },
      cycleField,
      { name: 'attendance', label: 'Attendance', kind: 'percent', optional: true, hint: 'Share of the team present' },
      { name: 'confidence', label: 'Confidence', kind: 'percent', optional: true, hint: 'In reaching the key results' },
    ],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(HoldCheckIn, data), ctx),
  },
  {
    id: 'check-in-missed',
    schema: MissCheckIn.schema,
    title: 'Check-in missed',
    submit: 'Record missed check-in',
    recorded: 'Missed check-in recorded.',
    fields: [{ name: 'dueOn', label: 'Was due on', kind: 'date' }, cycleField, { name: 'reason', label: 'Reason', kind: 'text', optional: true }],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(MissCheckIn, data), ctx),
  },
  {
    id: 'training-completed',
    schema: CompleteTraining.schema,
    title: 'Training completed',
    submit: 'Record training',
    recorded: 'Training recorded.',
    fields: [
      { name: 'kind', label: 'Training', kind: 'select' },
      { name: 'participants', label: 'Participants', kind: 'integer' },
      { name: 'completedOn', label: 'Completed on', kind: 'date' },
      { ...cycleField, optional: true, hint: 'Leave empty for training outside any cycle' },
    ],
    execute: (deps, data, ctx) => completeTraining(deps, asCommand(CompleteTraining, data), ctx),
  },
  {
    id: 'okrs-drafted',
    schema: DraftOkrs.schema,
    title: 'OKRs drafted',
    submit: 'Record draft',
    recorded: 'OKR draft recorded.',
    fields: [
      { name: 'objectives', label: 'Objectives', kind: 'integer' },
      { name: 'keyResults', label: 'Key results', kind: 'integer' },
      { name: 'draftedOn', label: 'Drafted on', kind: 'date' },
      cycleField,
    ],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(DraftOkrs, data), ctx),
  },
  {
    id: 'okrs-published',
    schema: PublishOkrs.schema,
    title: 'OKRs published',
    submit: 'Record publication',
    recorded: 'OKR publication recorded.',
    fields: [{ name: 'publishedOn', label: 'Published on', kind: 'date' }, cycleField],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(PublishOkrs, data), ctx),
  },
  {
    id: 'okrs-aligned',
    schema: AlignOkrs.schema,
    title: 'OKRs aligned',
    submit: 'Record alignment',
    recorded: 'OKR alignment recorded.',
    fields: [
      { name: 'parentRef', label: 'Aligned to', kind: 'text', hint: 'Parent objective or strategy reference' },
      { name: 'alignedOn', label: 'Aligned on', kind: 'date' },
      cycleField,
    ],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(AlignOkrs, data), ctx),
  },
  {
    id: 'key-result-progress',
    schema: ReportKeyResultProgress.schema,
    title: 'Key-result progress',
    submit: 'Record progress',
    recorded: 'Key-result progress recorded.',
    fields: [
      { name: 'keyResultRef', label: 'Key result', kind: 'text' },
      { name: 'progress', label: 'Progress', kind: 'percent' },
      { name: 'reportedOn', label: 'Reported on', kind: 'date' },
      cycleField,
    ],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(ReportKeyResultProgress, data), ctx),
  },
  {
    id: 'cycle-review',
    schema: HoldCycleReview.schema,
    title: 'Cycle review held',
    submit: 'Record review',
    recorded: 'Cycle review recorded.',
    fields: [{ name: 'heldOn', label: 'Held on', kind: 'date' }, cycleField],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(HoldCycleReview, data), ctx),
  },
  {
    id: 'retrospective',
    schema: HoldRetrospective.schema,
    title: 'Retrospective held',
    submit: 'Record retrospective',
    recorded: 'Retrospective recorded.',
    fields: [{ name: 'heldOn', label: 'Held on', kind: 'date' }, { name: 'actions', label: 'Actions agreed', kind: 'integer', optional: true }, cycleField],
    execute: (deps, data, ctx) => recordAdoption(deps, asCommand(HoldRetrospective, data), ctx),
  },
  {
    id: 'resize',
    schema: ResizeTeam.schema,
    title: 'Resize team',
    submit: 'Resize',
    recorded: 'Team resized.',
    fields: [{ name: 'size', label: 'People', kind: 'integer' }],
    revisioned: true,
    execute: (deps, data, ctx, revision) => resizeTeam(deps, asCommand(ResizeTeam, data), ctx, revision),
  },
  {
    id: 'move',
    schema: MoveTeam.schema,
    title: 'Move team',
    submit: 'Move',
    recorded: 'Team moved.',
    fields: [{ name: 'areaId', label: 'Area', kind: 'select' }],
    revisioned: true,
    execute: (deps, data, ctx, revision) => moveTeam(deps, asCommand(MoveTeam, data), ctx, revision),
  },
];
const formsById = new Map(teamForms.map((form) => [form.id, form]));
const formIds = teamForms.map((form) => form.id) as [string, ...string[]];

const trainingLabels: Record<z.infer<typeof TrainingKind>, string> = {
  'okr-basics': 'OKR basics',
  'writing-okrs': 'Writing OKRs',
  'running-check-ins': 'Running check-ins',
  'reviews-and-retros': 'Reviews and retros',
  'leading-with-okrs': 'Leading with OKRs',
};

const TeamParams = z.object({ teamId: Id });
const FormParams = TeamParams.extend({ form: z.string() });
/** The page shows one cycle as of today; `recorded` names the form a plain-HTML POST came back from. */
const TeamPageQuery = SelectionQuery.pick({ cycle: true }).extend({ recorded: z.enum(formIds).optional() });

/** A URL under the team's path with the given query, leaving out what is not set. */
function teamUrl(teamId: string, suffix: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${teamPath(teamId)}${suffix}${params.size > 0 ? `?${params.toString()}` : ''}`;
}

/** `Engineering › Platform`: areas are picked by their place in the tree, not by a bare name. */
function areaOptions(areas: readonly AreaRow[]): Option[] {
  const byId = new Map(areas.map((a) => [a.areaId, a]));
  const pathOf = (area: AreaRow): string => {
    const parent = area.parentAreaId === null ? undefined : byId.get(area.parentAreaId);
    return parent ? `${pathOf(parent)} › ${area.name}` : area.name;
  };
  return areas.map((a) => ({ value: a.areaId, label: pathOf(a) }));
}

interface TeamPage {
  team: TeamDetail;
  cycle: CycleSummary;
  cycles: CycleSummary[];
  areas: AreaRow[];
  selection: Selection;
  /** The team stream's revision: what the edit forms carry. */
  revision: number;
}

/** Each form's fields as the page offers them: today's date, the page's cycle, the team as it is. */
function defaultsFor(form: FormSpec, page: TeamPage): FormState {
  const known: Record<string, string> = {
    cycleId: page.cycle.cycleId,
    kind: 'okr-basics',
    participants: String(page.team.size),
    size: String(page.team.size),
    areaId: page.team.areaId,
  };
  const values = Object.fromEntries(form.fields.map((f) => [f.name, f.kind === 'date' ? page.selection.asOf : (known[f.name] ?? '')]));
  if (form.revisioned) values[REVISION] = String(page.revision);
  return { values, issues: [] };
}

/** What `views/partials/team.eta` prints; `answered` is the form a POST re-renders with its state. */
function teamView(page: TeamPage, input: { answered?: { formId: string; state: FormState }; recorded?: string }) {
  const { team, selection, cycle } = page;
  // The team's cells, stage and check-in exactly as the team rows of its area print them.
  const row = teamRowsView({ area: team.area, teams: [team], children: [] }, selection, 0).teams[0]!;
  const options = {
    cycleId: page.cycles.map((c) => ({ value: c.cycleId, label: c.closedOn === null ? c.name : `${c.name} (closed)` })),
    kind: TrainingKind.options.map((kind) => ({ value: kind, label: trainingLabels[kind] })),
    areaId: areaOptions(page.areas),
  };
  const pageHref = teamUrl(team.teamId, '', { cycle: cycle.cycleId });
  const view = (form: FormSpec) => {
    const answered = input.answered?.formId === form.id ? input.answered.state : null;
    return formView(form, {
      action: teamUrl(team.teamId, `/${form.id}`, { cycle: cycle.cycleId }),
      hxTarget: '#team',
      state: answered ?? defaultsFor(form, page),
      options: form.id === 'training-completed' ? { ...options, cycleId: [{ value: '', label: 'No cycle' }, ...options.cycleId] } : options,
      reloadHref: pageHref,
    });
  };
  // The forms that record adoption; the revisioned ones edit the team itself.
  const [checkIn, ...adoption] = teamForms.filter((f) => !f.revisioned).map(view);
  return {
    title: `${team.name} · ${cycle.name}`,
    heatmapHref: heatmapUrl(selection),
    area: { name: team.area.name, href: areaUrl(team.areaId, selection) },
    team: { key: team.key, name: team.name, size: team.size, stage: row.stage },
    cycle: { name: cycle.name, closed: cycle.closedOn !== null },
    recorded: input.recorded ?? null,
    scores: columnHeads.map((head, i) => ({ ...head, cell: row.cells[i]! })),
    checkIn: row.checkIn,
    checkInForm: checkIn!,
    adoptionForms: adoption,
    editForms: teamForms.filter((f) => f.revisioned).map(view),
  };
}

/**
 * The team page: the team's scores in a cycle, and the forms that record its adoption and edit
 * it. Every form posts to `/teams/:teamId/:form` and comes back to this page (303), or, for
 * htmx, gets `partials/team` (the whole page body) re-rendered in place: scores, stage and the
 * edit forms' revision all move with any write, so the page is answered whole, never half stale.
 */
export const teamRoutes: FastifyPluginAsync<TeamRouteOptions> = async (app, { queries, views, today, application, waitFor, now }) => {
  async function load(teamId: string, cycleQuery: string | undefined): Promise<TeamPage> {
    const { cycle, selection } = requireSelection(queries, today, { cycle: cycleQuery });
    const team = queries.team(teamId, selection.cycleId, selection.asOf);
    if (team === null) throw new NotFoundError(`There is no team "${teamId}".`);
    const revision = await application.store.streamRevision(streamName('team', teamId));
    const heatmap = queries.heatmap(selection.cycleId, selection.asOf);
    return { team, cycle, cycles: queries.cycles(), areas: heatmap?.areas ?? [], selection, revision };
  }

  app.get('/teams/:teamId', async (request, reply) => {
    const { teamId } = parseQuery(TeamParams, request.params);
    const query = parseQuery(TeamPageQuery, request.query);
    const page = await load(teamId, query.cycle);
    const recorded = query.recorded === undefined ? undefined : formsById.get(query.recorded)?.recorded;
    return sendHtml(reply, views.render('pages/team', teamView(page, { recorded })));
  });

  app.post('/teams/:teamId/:form', async (request, reply) => {
    const { teamId, form: formId } = parseQuery(FormParams, request.params);
    const form = formsById.get(formId);
    if (form === undefined) throw new NotFoundError(`There is no form "${formId}" on the team page.`);
    const { cycle } = parseQuery(TeamPageQuery, request.query);
    return submitForm(request, reply, { store: application.store, waitFor, now }, {
      spec: form,
      execute: (data, ctx, revision) => form.execute(application, { ...data, teamId }, ctx, revision),
      redirectTo: teamUrl(teamId, '', { cycle, recorded: form.id }),
      render: async ({ state, fragment }) => {
        const view = teamView(await load(teamId, cycle), state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } });
        return views.render(fragment ? 'partials/team' : 'pages/team', view);
      },
    });
  });
};
