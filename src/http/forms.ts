/**
 * Every form that records something takes one path. A form is declared once, against the
 * command it fills (`defineForm`): its fields are checked against the command's input at compile
 * time, and each field's kind brings the zod schema that turns posted text into the command's
 * value. A POST then goes:
 *
 * - posted text → the form's schema (coercion: whole numbers, percentages, empty = not given)
 *   → the command's own schema → the slice's handler, with a CommandContext (the web user,
 *   source `ui`, the injected clock) → wait until the read models include the write → 303 back
 *   to the page for a plain HTML form, or the re-rendered partial for htmx;
 * - a broken rule, at any step → 422: the same form, what was typed kept, each message beside
 *   its field and spoken in the field's label ("Ends on must be after Starts on");
 * - ConcurrencyConflictError → 409: the same form, with what was recorded since the revision it
 *   carried, described in words, and a reload link. Never a silent overwrite.
 *
 * Forms that create or log something carry a key rendered into the page: it becomes the id of
 * the event recorded (and of the new thing, for a create), so a POST retried after a lost
 * response records once. Such forms name no revision: a log entry depends on nothing a page
 * showed, and the handler absorbs a concurrent append by deciding again.
 *
 * htmx 4 swaps 4xx answers like 2xx ones, deliberately relied on here: a 422 or 409 answer is
 * the same partial as a success, so it replaces the form in place. Any other error goes through
 * the error handler, which retargets it to the page's notices.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeEvent } from '../describe.ts';
import type { UptakeEvent } from '../events.ts';
import { parseCommand, type CommandDefinition, type CommandOf } from '../shared/command.ts';
import type { CommandContext, Scope } from '../shared/commandHandler.ts';
import { ConcurrencyConflictError, ForbiddenError, ValidationError, type FieldIssue } from '../shared/errors.ts';
import type { RecordedEvent } from '../shared/event.ts';
import type { EventStore } from '../shared/eventStore.ts';
import type { Reach } from '../../projections/runner.ts';
import type { Names } from '../shared/names.ts';
import { formatInstant } from '../adoption/calendar.ts';
import { actorOf, currentPage, type Viewer } from './auth.ts';
import { escapeHtml, hxPartial, sendHtml, wantsFragment } from './views.ts';

/** The hidden field an edit form carries its stream revision in. */
export const REVISION = 'revision';
/** The hidden field a create or log form carries its idempotency key in. */
export const KEY = 'key';

export type FieldKind = 'text' | 'date' | 'integer' | 'percent' | 'select' | 'checkbox' | 'choiceOrOther';

/** One field: how it is shown, and the schema from its posted text to the command's value. */
export interface Field<T> {
  readonly label: string;
  readonly kind: FieldKind;
  readonly optional: boolean;
  readonly hint: string | undefined;
  readonly schema: z.ZodType<T>;
  /** A choice-or-other field's text box: its label. */
  readonly other?: string;
}

interface FieldOptions {
  hint?: string;
}

/** The posted name of a choice-or-other field's text box, beside the choice's own. */
const otherName = (name: string) => `${name}-other`;

const wholeNumber = /^[+-]?\d+$/;
const decimalNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

const Integer = z.string().regex(wholeNumber, 'must be a whole number').transform(Number);
const Percent = z
  .string()
  .regex(decimalNumber, 'must be a percentage from 0 to 100')
  .transform(Number)
  .refine((n) => n >= 0 && n <= 100, 'must be a percentage from 0 to 100')
  .transform((n) => n / 100);
/** A ticked box posts `on`; an unticked one posts nothing, which is `false`, never "not given". */
const Ticked = z
  .enum(['on', 'true'], { error: 'must be ticked or left empty' })
  .optional()
  .transform((value) => value !== undefined);

function makeField<T>(kind: FieldKind, label: string, schema: z.ZodType<T>, options: FieldOptions = {}): Field<T> {
  return { label, kind, optional: false, hint: options.hint, schema };
}

/** A required field made optional: empty text means "not given". */
export function optional<T>(field: Field<T>): Field<T | undefined> {
  return { ...field, optional: true, schema: field.schema.optional() };
}

/** A field that may be left empty, which the command spells `null` (an area at the top level has no parent). */
export function orNull<T>(field: Field<T>): Field<T | null> {
  return { ...field, optional: true, schema: field.schema.optional().transform((value) => value ?? null) };
}

/** The field kinds a form is made of; `optional(…)` or `orNull(…)` wraps any of them. */
export const fields = {
  text: (label: string, options?: FieldOptions) => makeField('text', label, z.string(), options),
  date: (label: string, options?: FieldOptions) => makeField('date', label, z.string(), options),
  integer: (label: string, options?: FieldOptions) => makeField('integer', label, Integer, options),
  /** Typed 0–100, sent as a fraction. */
  percent: (label: string, options?: FieldOptions) => makeField('percent', label, Percent, options),
  select: (label: string, options?: FieldOptions) => makeField('select', label, z.string(), options),
  /** A select whose options are whole numbers (a 1–5 rating, a sentiment). */
  numericSelect: (label: string, options?: FieldOptions) => makeField('select', label, Integer, options),
  /** Ticked or not: a boolean, unticked = false. */
  checkbox: (label: string, options?: FieldOptions) => makeField('checkbox', label, Ticked, options),
  /**
   * One of the options offered, or another typed in the box labelled `other` (a key result
   * reported before, or a new one). What is typed wins over what is chosen.
   */
  choiceOrOther: (label: string, other: string, options?: FieldOptions) => ({
    ...makeField('choiceOrOther', label, z.string(), options),
    other,
  }),
};

/** A command value as a form can produce it: an enum's member is chosen from text. */
type Widened<V> = V extends string ? string : V extends number ? number : V;
type CommandInput<C extends CommandDefinition> = z.input<C['schema']>;
type FieldsOf<C extends CommandDefinition> = { [K in keyof CommandInput<C>]?: Field<Widened<CommandInput<C>[K]>> };
type AnyFields = Record<string, Field<unknown>>;

/** What the form's fields hold once coerced, typed from the field kinds. */
export type FormValues<F extends AnyFields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export interface Form<C extends CommandDefinition = CommandDefinition, F extends AnyFields = AnyFields> {
  /** Unique on its page; part of the form's URL and of its elements' ids (`check-in-held`). */
  readonly id: string;
  readonly command: C;
  readonly title: string;
  readonly submit: string;
  /** The status line shown after a success. */
  readonly recorded: string;
  readonly fields: F;
  /** An edit of existing state: carries the stream revision the page was rendered from. */
  readonly revisioned: boolean;
  /** Creates or logs something: carries a key that becomes its id. */
  readonly keyed: boolean;
  /** The hidden field the key travels in: `key`, unless the command has a field of that name (a team's key). */
  readonly keyName: string;
}

interface FormBasics<F> {
  id: string;
  title: string;
  submit: string;
  recorded: string;
  fields: F;
}

/**
 * An edit carries a revision; a create or log carries a key, and never a revision: it depends on
 * nothing the page showed, and only a command without one is decided again after a concurrent append.
 */
type FormSpec<F> = FormBasics<F> &
  (
    | { revisioned?: false; keyed?: false; keyName?: never }
    | { revisioned: true; keyed?: false; keyName?: never }
    | { revisioned?: false; keyed: true; keyName?: string }
  );

/**
 * A form for `command`. Naming a field the command does not have, or giving a field a kind whose
 * value the command cannot take (text for a number), does not compile.
 */
export function defineForm<C extends CommandDefinition, const F extends FieldsOf<C> & AnyFields>(
  command: C,
  spec: FormSpec<F & Record<Exclude<keyof F, keyof CommandInput<C>>, never>>,
): Form<C, F> {
  return { ...spec, command, revisioned: spec.revisioned ?? false, keyed: spec.keyed ?? false, keyName: spec.keyName ?? KEY };
}

/** The same form under another id, for pages that show one per thing (a close form per open cycle). */
export const formFor = <C extends CommandDefinition, F extends AnyFields>(
  form: Form<C, F>,
  id: string,
  title = form.title,
): Form<C, F> => ({ ...form, id, title });

/** One event recorded since a form's revision, in words. */
export interface Change {
  what: string;
  when: string;
  who: string;
}

export interface FormState {
  /** What the fields show: the page's defaults, or what was typed. */
  values: Record<string, string>;
  issues: FieldIssue[];
  /** After a conflict: what changed since the form was rendered. */
  changes?: Change[];
}

export interface FormDeps {
  /** Read on a conflict, to say what changed. */
  store: EventStore;
  /** Names the things an event mentions, for the conflict list. */
  names: Names;
  /** Resolves once the read models include the write; names those that may lag behind it. */
  waitFor: (position: bigint) => Promise<Reach>;
  now: () => Date;
  /** Where the signed-in person may record (src/access/scope.ts). */
  scopeOf: (viewer: Viewer) => Promise<Scope>;
}

export interface Submission<C extends CommandDefinition, F extends AnyFields> {
  form: Form<C, F>;
  /** The command's data: the form's values completed with what the URL says (the team, the signal) and, for a keyed form, the new id. */
  data: (values: FormValues<F>, key: string) => Record<string, unknown>;
  /** Runs the slice's handler. */
  execute: (command: CommandOf<C>, ctx: CommandContext, expectedRevision: number | undefined) => Promise<{ position: bigint }>;
  /** Where a browser without JavaScript goes after a success (303). */
  redirectTo: string | ((key: string) => string);
  /** The answer to a success is the page itself (200), never a redirect: it shows something only once (a new token). */
  answerInPlace?: boolean;
  /**
   * The page, or for htmx its partial; `state` null after a success (fresh defaults, the status
   * line), when a keyed form also gets its key: the new thing's id.
   */
  render: (answer: { state: FormState | null; fragment: boolean; key?: string }) => string | Promise<string>;
}

export async function submitForm<C extends CommandDefinition, F extends AnyFields>(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: FormDeps,
  submission: Submission<C, F>,
): Promise<FastifyReply> {
  const { form } = submission;
  const values = postedText(form, request.body);
  const fragment = wantsFragment(request);
  const answer = async (state: FormState | null, statusCode: number, key?: string, notice = '') =>
    sendHtml(reply, (await submission.render(key === undefined ? { state, fragment } : { state, fragment, key })) + notice, statusCode);
  try {
    const { command, key, expectedRevision } = commandFrom(form, values, submission.data);
    // The route's access rule let only a signed-in admin or coach this far.
    const viewer = request.viewer!;
    const ctx: CommandContext = {
      actor: actorOf(viewer),
      scope: await deps.scopeOf(viewer),
      source: 'ui',
      now: deps.now(),
      ...(form.keyed ? { idempotencyKey: key } : {}),
    };
    const { position } = await submission.execute(command, ctx, expectedRevision);
    // The event is durable already; a failed or slow read model only means some page lags behind it.
    const { caughtUp, lagging } = await deps.waitFor(position);
    if (!caughtUp) request.log.warn({ position: String(position), lagging }, 'read models did not reach the write in time');
    if (fragment || submission.answerInPlace) return answer(null, 200, form.keyed ? key : undefined, caughtUp ? '' : lagNotice(lagging));
    const location = typeof submission.redirectTo === 'string' ? submission.redirectTo : submission.redirectTo(key);
    return reply.code(303).header('location', location).send();
  } catch (error) {
    if (error instanceof ValidationError) return answer({ values, issues: error.issues }, 422);
    // Said in the form, beside what was typed: a coach sees which areas are theirs.
    if (error instanceof ForbiddenError) return answer({ values, issues: [{ field: 'scope', message: error.message }] }, 403);
    if (error instanceof ConcurrencyConflictError) {
      const { changes, revision } = await changesSince(deps, error);
      // The form now carries the current revision: sending it again is a decision made with the changes in view.
      return answer({ values: { ...values, [REVISION]: String(revision) }, issues: [], changes }, 409);
    }
    throw error;
  }
}

/** What each read model serves, for the notice that it lags behind a write. */
const readModelPages: Readonly<Record<string, string>> = {
  org: 'the organisation',
  adoption: 'the heatmap and team scores',
  signals: 'the resistance log',
  stakeholders: 'the stakeholder pages',
  timeline: 'the timeline',
  revisions: 'edit forms',
};

/** Swapped into the page's notices beside the answer: saved, but some pages do not show it yet. */
function lagNotice(lagging: readonly string[]): string {
  const pages = lagging.map((name) => readModelPages[name] ?? name).join(', ');
  const message = `Saved. ${pages === '' ? 'Some pages' : sentence(pages)} may not show it yet; they catch up by themselves, or an administrator is told on /healthz.`;
  return hxPartial('#notices', 'innerHTML', `<div class="notice" role="status"><p>${escapeHtml(message)}</p></div>`);
}

const hiddenFields = (form: Form) => [...(form.revisioned ? [REVISION] : []), ...(form.keyed ? [form.keyName] : [])];

/** The fields' text as typed (a form body holds strings; a repeated name keeps its first). */
function postedText(form: Form, body: unknown): Record<string, string> {
  const posted = (body ?? {}) as Record<string, unknown>;
  const textOf = (name: string) => {
    const value = posted[name];
    const text = Array.isArray(value) ? value[0] : value;
    return typeof text === 'string' ? text : '';
  };
  return Object.fromEntries(
    [...Object.keys(form.fields), ...hiddenFields(form)].map((name) => {
      const other = form.fields[name]?.kind === 'choiceOrOther' ? textOf(otherName(name)) : '';
      return [name, other.trim() !== '' ? other : textOf(name)];
    }),
  );
}

// Not z.coerce: an empty or missing field would read as revision 0.
const Revision = z.string().regex(wholeNumber).transform(Number).pipe(z.number().int().min(-1));

/** Each field's schema, empty text meaning "not given". */
const fieldSchemas = (form: Form) =>
  Object.fromEntries(
    Object.entries(form.fields).map(([name, field]) => [
      name,
      z.preprocess((text) => (typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined), field.schema),
    ]),
  );

/**
 * Posted text to the command. Every problem is reported at once: the fields the form's own
 * schema refuses, and the command's verdict on the rest.
 */
function commandFrom<C extends CommandDefinition, F extends AnyFields>(
  form: Form<C, F>,
  text: Record<string, string>,
  complete: Submission<C, F>['data'],
) {
  const issues: FieldIssue[] = [];
  let expectedRevision: number | undefined;
  if (form.revisioned) {
    const revision = Revision.safeParse(text[REVISION]);
    if (revision.success) expectedRevision = revision.data;
    else issues.push({ field: REVISION, message: 'is missing or damaged: reload the page and try again' });
  }
  let key = '';
  if (form.keyed) {
    const parsed = z.uuid().safeParse(text[form.keyName]);
    if (parsed.success) key = parsed.data;
    else issues.push({ field: form.keyName, message: 'is missing or damaged: reload the page and try again' });
  }
  const schemas = fieldSchemas(form);
  const coerced = z.object(schemas).safeParse(text);
  const flagged = new Set(coerced.error?.issues.map((i) => String(i.path[0])) ?? []);
  issues.push(...(coerced.error?.issues ?? []).map((i) => ({ field: String(i.path[0]), message: i.message })));
  // When some field is refused, the others still go to the command coerced, so its verdict on them is about their values.
  const accepted = () =>
    Object.fromEntries(Object.entries(schemas).flatMap(([name, schema]) => (flagged.has(name) ? [] : [[name, schema.parse(text[name])]])));
  const values = (coerced.data ?? accepted()) as FormValues<F>;
  let command: CommandOf<C> | undefined;
  try {
    command = parseCommand(form.command, complete(values, key));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues.filter((i) => !flagged.has(i.field)));
  }
  if (issues.length > 0 || command === undefined) throw new ValidationError(issues);
  return { command, key, expectedRevision };
}

async function changesSince(deps: FormDeps, conflict: ConcurrencyConflictError): Promise<{ changes: Change[]; revision: number }> {
  const after = typeof conflict.expected === 'number' ? conflict.expected : -1;
  const history = await deps.store.readStream<UptakeEvent>(conflict.streamId, { after });
  const changes = history.map((e: RecordedEvent<UptakeEvent>) => ({
    what: describeEvent(e, deps.names),
    when: formatInstant(e.metadata.recordedAt),
    who: deps.names.actor(e.metadata.actor),
  }));
  return { changes, revision: history.at(-1)?.revision ?? after };
}

export interface Option {
  value: string;
  label: string;
}

/** Names a form has no field for, as a coach reads them. */
const otherLabels: Record<string, string> = { [REVISION]: 'The page you sent this from', [KEY]: 'The form you sent' };

const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
/** `keyResultRef` → `key result ref`: the last resort for a name no label covers. */
const inWords = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * A rule's message in the form's words: the field's label in front, and other fields the message
 * mentions by name (`must be after startsOn`) by their labels too.
 */
function spoken(form: Form, issue: FieldIssue): string {
  // A message that is a whole sentence ("Team SALES2 is not in Finance", "2 interventions are…") names its subject itself.
  if (/^[A-Z0-9]/.test(issue.message)) return issue.message;
  const labelOf = (name: string) => form.fields[name]?.label ?? otherLabels[name === form.keyName ? KEY : name];
  const message = issue.message.replace(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, (name) => labelOf(name) ?? name);
  return `${labelOf(issue.field) ?? sentence(inWords(issue.field))} ${message}`;
}

/** A fresh form's values: the page's defaults, and for a keyed form a new key. */
export function freshState(form: Form, values: Record<string, string>): FormState {
  return { values: form.keyed ? { ...values, [form.keyName]: randomUUID() } : values, issues: [] };
}

/**
 * What `views/partials/form.eta` prints for one form: every id, attribute and message worked
 * out here, so the template stays a loop.
 */
export function formView(
  form: Form,
  input: {
    action: string;
    hxTarget: string;
    state: FormState;
    options?: Record<string, readonly Option[]>;
    reloadHref: string;
    /** This form was just sent and recorded: it says so itself, its first field ready for the next entry. */
    recorded?: boolean;
  },
) {
  const { state } = input;
  const messagesFor = (name: string) => state.issues.filter((i) => i.field === name).map((i) => spoken(form, i));
  const names = Object.keys(form.fields);
  const focused = input.recorded ? names[0] : names.find((name) => messagesFor(name).length > 0);
  const fieldViews = Object.entries(form.fields).map(([name, field]) => {
    // `<form id>-title` is its card's heading (what the form is labelled by): a field named `title` takes another id.
    const id = `${form.id}-${name === 'title' ? 'title-field' : name}`;
    const value = state.values[name] ?? '';
    const messages = messagesFor(name);
    const error = messages.length === 0 ? null : messages.join('; ');
    const hintId = field.hint ? `${id}-hint` : null;
    const offered = input.options?.[name] ?? [];
    const chosen = offered.some((o) => o.value === value);
    const errorId = error === null ? null : `${id}-error`;
    return {
      id,
      name,
      label: field.label,
      optional: field.optional,
      hint: field.hint ?? null,
      hintId,
      error,
      errorId,
      describedBy: [hintId, errorId].filter((x) => x !== null).join(' ') || null,
      autofocus: name === focused,
      value,
      select: field.kind === 'select' || (field.kind === 'choiceOrOther' && offered.length > 0),
      // With nothing to choose from, a choice-or-other field is its text box alone.
      other:
        field.kind === 'choiceOrOther' && offered.length > 0
          ? { id: `${id}-other`, name: otherName(name), label: field.other ?? '', value: chosen ? '' : value }
          : null,
      checkbox: field.kind === 'checkbox',
      checked: value === 'on' || value === 'true',
      options: [
        ...offered.map((o) => ({ ...o, selected: o.value === value })),
        ...(field.kind === 'choiceOrOther' ? [{ value: '', label: field.other ?? '', selected: !chosen }] : []),
      ],
      type: field.kind === 'date' ? 'date' : field.kind === 'text' || field.kind === 'choiceOrOther' ? 'text' : 'number',
      number:
        field.kind === 'percent'
          ? { min: '0', max: '100', step: 'any', inputmode: 'decimal' }
          : field.kind === 'integer'
            ? { min: null, max: null, step: '1', inputmode: 'numeric' }
            : null,
      suffix: field.kind === 'percent' ? '%' : null,
    };
  });
  return {
    id: form.id,
    title: form.title,
    submit: form.submit,
    action: input.action,
    hxTarget: input.hxTarget,
    revision: form.revisioned ? (state.values[REVISION] ?? '') : null,
    key: form.keyed ? { name: form.keyName, value: state.values[form.keyName] ?? randomUUID() } : null,
    fields: fieldViews,
    recorded: input.recorded ? form.recorded : null,
    // Rules about something the form has no field for (the team itself, the revision).
    errors: state.issues.filter((i) => !(i.field in form.fields)).map((i) => spoken(form, i)),
    changes: state.changes ?? null,
    reloadHref: input.reloadHref,
    // A live push renders forms for everyone at once and carries no token: htmx sends it as a header.
    csrf: currentPage()?.csrfToken() ?? null,
    invalid: state.issues.length > 0 || state.changes !== undefined,
  };
}

export type FormView = ReturnType<typeof formView>;
