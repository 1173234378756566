import { z } from 'zod';
import { AreaCode } from '../area/events.ts';
import { CycleName } from '../cycle/events.ts';
import { ObjectiveLinked, ParentKind, Title } from '../objective/events.ts';
import { defineKeyResult, linkObjective, setObjective, setTheme, unlinkObjective } from '../objective/handlers.ts';
import { type CommandContext, type HandleResult, nameBasedUuid } from '../shared/commandHandler.ts';
import { Id } from '../shared/event.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import { ValidationError } from '../shared/errors.ts';
import { zodIssuesToValidationError } from '../shared/validation.ts';
import { CheckInHeld, CheckInMissed, KeyResultProgressReported, TeamKey, TeamRegistered, TrainingCompleted } from '../team/events.ts';
import { completeTraining, recordAdoption, registerTeam } from '../team/handlers.ts';

/** Uptake's ids for other systems' names of things (`projections/org/references.ts`); undefined when unknown. */
export interface References {
  teamIdByKey(key: string): string | undefined;
  areaIdByCode(code: string): string | undefined;
  cycleIdByName(name: string): string | undefined;
}

export interface IngestDeps extends HandlerDeps {
  references: References;
}

/**
 * One accepted CloudEvents `type`: the schema of its `data` (published at GET /api/v1/schemas)
 * and the slice command it becomes, handled by the same handler a form calls. `ctx.idempotencyKey`
 * is the CloudEvent's key, which also names what the event creates (a new team's id).
 */
interface Mapping<S extends z.ZodType> {
  readonly summary: string;
  readonly data: S;
  record(deps: IngestDeps, data: z.output<S>, ctx: CommandContext & { idempotencyKey: string }): Promise<HandleResult<unknown>>;
}

const mapping = <S extends z.ZodType>(m: Mapping<S>): Mapping<S> => m;

/** An unknown reference is a rejection that names it, never a guess. */
function resolve(field: string, value: string, id: string | undefined, what: string): string {
  if (id === undefined) throw ValidationError.field(`data.${field}`, `no ${what} ${value}`);
  return id;
}
const teamOf = (deps: IngestDeps, key: string) => resolve('teamKey', key, deps.references.teamIdByKey(key), 'team with key');
const cycleOf = (deps: IngestDeps, name: string) => resolve('cycleName', name, deps.references.cycleIdByName(name), 'cycle named');
const areaOf = (deps: IngestDeps, code: string) => resolve('areaCode', code, deps.references.areaIdByCode(code), 'area with code');

/**
 * An OKR tool names its themes and objectives by its own ids: Uptake's id is derived from the
 * sender (the integration's source) and that id, the same every time, so two tools never collide.
 */
const toolIdOf = (ctx: CommandContext, kind: 'theme' | 'objective', ref: string) => nameBasedUuid(`${ctx.actor.id}\n${kind}\n${ref}`);
const ToolRef = z.string().trim().min(1).max(200);

/** Other systems name a team by key and a cycle by name, where Uptake's events carry ids. */
const byReference = { teamKey: TeamKey, cycleName: CycleName };

/** The mapping table: every CloudEvents type Uptake accepts (docs/integrations.md lists the same). */
export const mappings = {
  'org.okr.checkin.held.v1': mapping({
    summary: 'A team held a check-in in a cycle → HoldCheckIn (CheckInHeld)',
    data: CheckInHeld.schema.omit({ teamId: true, cycleId: true }).extend(byReference),
    record: (deps, { teamKey, cycleName, ...data }, ctx) =>
      recordAdoption(
        deps,
        { type: 'HoldCheckIn', data: { ...data, teamId: teamOf(deps, teamKey), cycleId: cycleOf(deps, cycleName) } },
        ctx,
      ),
  }),
  'org.okr.checkin.missed.v1': mapping({
    summary: 'A check-in that was due did not happen → MissCheckIn (CheckInMissed)',
    data: CheckInMissed.schema.omit({ teamId: true, cycleId: true }).extend(byReference),
    record: (deps, { teamKey, cycleName, ...data }, ctx) =>
      recordAdoption(
        deps,
        { type: 'MissCheckIn', data: { ...data, teamId: teamOf(deps, teamKey), cycleId: cycleOf(deps, cycleName) } },
        ctx,
      ),
  }),
  'org.okr.keyresult.progress.v1': mapping({
    summary: "A key result's progress (0–1) as the OKR tool reports it → ReportKeyResultProgress (KeyResultProgressReported)",
    data: KeyResultProgressReported.schema.omit({ teamId: true, cycleId: true }).extend(byReference),
    record: (deps, { teamKey, cycleName, ...data }, ctx) =>
      recordAdoption(
        deps,
        { type: 'ReportKeyResultProgress', data: { ...data, teamId: teamOf(deps, teamKey), cycleId: cycleOf(deps, cycleName) } },
        ctx,
      ),
  }),
  'org.okr.training.completed.v1': mapping({
    summary: 'A team completed a training, in a cycle or not → CompleteTraining (TrainingCompleted)',
    data: TrainingCompleted.schema.omit({ teamId: true, cycleId: true }).extend({ teamKey: TeamKey, cycleName: CycleName.optional() }),
    record: (deps, { teamKey, cycleName, ...data }, ctx) =>
      completeTraining(
        deps,
        {
          type: 'CompleteTraining',
          data: { ...data, teamId: teamOf(deps, teamKey), ...(cycleName !== undefined && { cycleId: cycleOf(deps, cycleName) }) },
        },
        ctx,
      ),
  }),
  'org.okr.team.created.v1': mapping({
    summary: "A new team in an area → RegisterTeam (TeamRegistered); the team's id derives from the CloudEvent's source and id",
    data: TeamRegistered.schema.omit({ teamId: true, areaId: true }).extend({ areaCode: AreaCode }),
    record: (deps, { areaCode, ...data }, ctx) =>
      registerTeam(deps, { type: 'RegisterTeam', data: { ...data, teamId: ctx.idempotencyKey, areaId: areaOf(deps, areaCode) } }, ctx),
  }),
  'org.okr.theme.set.v1': mapping({
    summary: "A strategic theme → SetTheme (StrategicThemeSet); the theme's id derives from the source and the tool's `themeRef`",
    data: z.object({ themeRef: ToolRef, title: Title }),
    record: (deps, { themeRef, title }, ctx) =>
      setTheme(deps, { type: 'SetTheme', data: { themeId: toolIdOf(ctx, 'theme', themeRef), title } }, ctx),
  }),
  'org.okr.objective.set.v1': mapping({
    summary:
      "A team's objective (`teamKey`) or an area's (`areaCode`) for a cycle → SetObjective (ObjectiveSet); its id derives from the source and the tool's `objectiveRef`",
    data: z
      .object({ objectiveRef: ToolRef, title: Title, cycleName: CycleName, teamKey: TeamKey.optional(), areaCode: AreaCode.optional() })
      .refine((d) => (d.teamKey === undefined) !== (d.areaCode === undefined), {
        message: 'name either teamKey or areaCode',
        path: ['teamKey'],
      }),
    record: (deps, { objectiveRef, title, cycleName, teamKey, areaCode }, ctx) =>
      setObjective(
        deps,
        {
          type: 'SetObjective',
          data: {
            objectiveId: toolIdOf(ctx, 'objective', objectiveRef),
            title,
            cycleId: cycleOf(deps, cycleName),
            ...(teamKey !== undefined && { teamId: teamOf(deps, teamKey) }),
            ...(areaCode !== undefined && { areaId: areaOf(deps, areaCode) }),
          },
        },
        ctx,
      ),
  }),
  'org.okr.keyresult.defined.v1': mapping({
    summary:
      "A key result of an objective → DefineKeyResult (KeyResultDefined); `keyResultRef` is its id, the one the tool's progress reports name",
    data: z.object({ objectiveRef: ToolRef, keyResultRef: Id, title: Title }),
    record: (deps, { objectiveRef, keyResultRef, title }, ctx) =>
      defineKeyResult(
        deps,
        { type: 'DefineKeyResult', data: { objectiveId: toolIdOf(ctx, 'objective', objectiveRef), keyResultId: keyResultRef, title } },
        ctx,
      ),
  }),
  'org.okr.objective.linked.v1': mapping({
    summary:
      "An objective serves a parent theme or objective, both by the tool's refs → LinkObjective (ObjectiveLinked), checked as a link from a form is",
    data: z.object({
      objectiveRef: ToolRef,
      parentKind: ParentKind,
      parentRef: ToolRef,
      crossArea: ObjectiveLinked.schema.shape.crossArea.optional(),
    }),
    record: (deps, { objectiveRef, parentKind, parentRef, crossArea }, ctx) =>
      linkObjective(
        deps,
        {
          type: 'LinkObjective',
          data: {
            objectiveId: toolIdOf(ctx, 'objective', objectiveRef),
            parentKind,
            parentId: toolIdOf(ctx, parentKind, parentRef),
            crossArea: crossArea ?? false,
          },
        },
        ctx,
      ),
  }),
  'org.okr.objective.unlinked.v1': mapping({
    summary: 'An objective no longer serves its parent → UnlinkObjective (ObjectiveUnlinked)',
    data: z.object({ objectiveRef: ToolRef }),
    record: (deps, { objectiveRef }, ctx) =>
      unlinkObjective(deps, { type: 'UnlinkObjective', data: { objectiveId: toolIdOf(ctx, 'objective', objectiveRef) } }, ctx),
  }),
} as const;

export type IngestType = keyof typeof mappings;

const isMapped = (type: string): type is IngestType => Object.hasOwn(mappings, type);

/** Validates `data` by the type's schema and records the command it maps to. */
export async function recordMapped(
  deps: IngestDeps,
  type: string,
  data: unknown,
  ctx: CommandContext & { idempotencyKey: string },
): Promise<HandleResult<unknown>> {
  if (!isMapped(type)) throw ValidationError.field('type', `no mapping for "${type}"; accepted types: ${Object.keys(mappings).join(', ')}`);
  const m: Mapping<z.ZodType> = mappings[type];
  const parsed = m.data.safeParse(data);
  if (!parsed.success) throw zodIssuesToValidationError(parsed.error.issues, ['data']);
  return m.record(deps, parsed.data, ctx);
}

/** Each accepted type's data as JSON Schema, from the same zod schemas that validate it. */
export const jsonSchemas = (): Record<IngestType, unknown> =>
  Object.fromEntries(
    Object.entries(mappings).map(([type, m]) => [type, { description: m.summary, ...z.toJSONSchema(m.data, { io: 'input' }) }]),
  ) as Record<IngestType, unknown>;
