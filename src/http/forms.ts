/**
 * Form handling shared by every page that records something. A form is declared once
 * (`FormSpec`: its fields, named as the command's data, and how each is read) and a POST goes:
 *
 * - fields → command data → the command handler, with a CommandContext (the web user,
 *   source `ui`, the injected clock) → wait until the read models include the write → 303 back
 *   to the page for a plain HTML form, or the re-rendered partial for htmx;
 * - ValidationError → 422: the same form, what was typed kept, each message beside its field;
 * - ConcurrencyConflictError → 409: the same form, with the events recorded since the revision
 *   it carried listed plainly, and a reload link. Never a silent overwrite.
 *
 * htmx 4 swaps 4xx answers like 2xx ones, deliberately relied on here: a 422 or 409 answer is
 * the same partial as a success, so it replaces the form in place. Any other error goes through
 * the error handler, which retargets it to the page's notices.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { CommandDefinition, CommandOf } from '../shared/command.ts';
import type { CommandContext } from '../shared/commandHandler.ts';
import { ConcurrencyConflictError, ValidationError, type FieldIssue } from '../shared/errors.ts';
import type { Actor, RecordedEvent } from '../shared/event.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { parseStreamName } from '../shared/streams.ts';
import { formatInstant } from './viewModels.ts';
import { sendHtml, wantsFragment } from './views.ts';

/** A form's parsed data as the command it fills; the command handler validates it against the command's schema. */
export const asCommand = <D extends CommandDefinition>(definition: D, data: Record<string, unknown>): CommandOf<D> => ({ type: definition.type, data }) as CommandOf<D>;

/** Until sign-in exists, every form is recorded as this user. */
const webUser: Actor = { kind: 'user', id: 'web' };

/** The hidden field an edit form carries its stream revision in. */
export const REVISION = 'revision';

/** How a field's text becomes command data: `percent` is typed 0–100 and stored as a fraction. */
export type FieldKind = 'text' | 'date' | 'integer' | 'percent' | 'select';

export interface FieldSpec {
  /** The command data field it fills, so a ValidationError naming it lands beside it. */
  name: string;
  label: string;
  kind: FieldKind;
  optional?: boolean;
  /** A select whose options are whole numbers (a 1–5 rating, a sentiment): posted as text, sent as a number. */
  numeric?: boolean;
  hint?: string;
}

export interface FormSpec {
  /** Unique on its page; part of the form's URL and of its elements' ids (`check-in-held`). */
  id: string;
  title: string;
  submit: string;
  /** The status line shown after a success. */
  recorded: string;
  fields: readonly FieldSpec[];
  /**
   * The command's data schema. When the form's own checks fail, the schema's verdict on the
   * other fields is added, so one round trip shows every problem.
   */
  schema: z.ZodType;
  /** An edit of existing state: carries the stream revision the page was rendered from. */
  revisioned?: boolean;
}

/** One event recorded since a form's revision, in words. */
export interface Change {
  what: string;
  details: string;
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
  waitFor: (position: bigint) => Promise<boolean>;
  now: () => Date;
}

export interface Submission {
  spec: FormSpec;
  /** Runs the command handler; it validates `data` against the command's schema. */
  execute: (data: Record<string, unknown>, ctx: CommandContext, expectedRevision: number | undefined) => Promise<{ position: bigint }>;
  /** Where a browser without JavaScript goes after a success (303). */
  redirectTo: string;
  /** The page, or for htmx its partial; `state` null after a success (fresh defaults, the status line). */
  render: (answer: { state: FormState | null; fragment: boolean }) => string | Promise<string>;
}

export async function submitForm(request: FastifyRequest, reply: FastifyReply, deps: FormDeps, submission: Submission): Promise<FastifyReply> {
  const { spec } = submission;
  const values = typedValues(spec, request.body);
  const fragment = wantsFragment(request);
  const answer = async (state: FormState | null, statusCode: number) => sendHtml(reply, await submission.render({ state, fragment }), statusCode);
  try {
    const { data, expectedRevision } = parseValues(spec, values);
    const { position } = await submission.execute(data, { actor: webUser, source: 'ui', now: deps.now() }, expectedRevision);
    // The event is durable already; a slow projection only means the page may lag behind it.
    if (!(await deps.waitFor(position))) request.log.warn({ position: String(position) }, 'read models did not reach the write in time');
    return fragment ? answer(null, 200) : reply.code(303).header('location', submission.redirectTo).send();
  } catch (error) {
    if (error instanceof ValidationError) return answer({ values, issues: error.issues }, 422);
    if (error instanceof ConcurrencyConflictError) {
      const { changes, revision } = await changesSince(deps.store, error);
      // The form now carries the current revision: sending it again is a decision made with the changes in view.
      return answer({ values: { ...values, [REVISION]: String(revision) }, issues: [], changes }, 409);
    }
    throw error;
  }
}

/** The fields' text as typed (a form body holds strings; a repeated name keeps its first). */
function typedValues(spec: FormSpec, body: unknown): Record<string, string> {
  const fields = (body ?? {}) as Record<string, unknown>;
  const names = [...spec.fields.map((f) => f.name), ...(spec.revisioned ? [REVISION] : [])];
  return Object.fromEntries(
    names.map((name) => {
      const value = fields[name];
      const text = Array.isArray(value) ? value[0] : value;
      return [name, typeof text === 'string' ? text : ''];
    }),
  );
}

const wholeNumber = /^[+-]?\d+$/;
const decimalNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Text to command data. Only what a form adds is checked here (required, number syntax,
 * percentages); every domain rule stays with the command's schema and decider.
 */
function parseValues(spec: FormSpec, values: Record<string, string>): { data: Record<string, unknown>; expectedRevision: number | undefined } {
  const issues: FieldIssue[] = [];
  const data: Record<string, unknown> = {};
  for (const field of spec.fields) {
    const text = values[field.name]!.trim();
    if (text === '') {
      if (!field.optional) issues.push({ field: field.name, message: 'is required' });
      continue;
    }
    switch (field.kind) {
      case 'text':
      case 'date':
        data[field.name] = text;
        break;
      case 'select':
        data[field.name] = field.numeric && wholeNumber.test(text) ? Number(text) : text;
        break;
      case 'integer':
        if (wholeNumber.test(text)) data[field.name] = Number(text);
        else issues.push({ field: field.name, message: 'must be a whole number' });
        break;
      case 'percent': {
        const percent = Number(text);
        if (decimalNumber.test(text) && percent >= 0 && percent <= 100) data[field.name] = percent / 100;
        else issues.push({ field: field.name, message: 'must be a percentage from 0 to 100' });
        break;
      }
      default: {
        const unexpected: never = field.kind;
        throw new Error(`unknown field kind ${String(unexpected)}`);
      }
    }
  }
  let expectedRevision: number | undefined;
  if (spec.revisioned) {
    const revision = values[REVISION]!.trim();
    if (wholeNumber.test(revision) && Number(revision) >= -1) expectedRevision = Number(revision);
    else issues.push({ field: REVISION, message: 'is missing or damaged: reload the page and try again' });
  }
  if (issues.length > 0) {
    const flagged = new Set(issues.map((i) => i.field));
    const others = (spec.schema.safeParse(data).error?.issues ?? [])
      .map((i) => ({ field: i.path.map(String).join('.'), message: i.message }))
      .filter((i) => spec.fields.some((f) => f.name === i.field) && !flagged.has(i.field));
    throw new ValidationError([...issues, ...others]);
  }
  return { data, expectedRevision };
}

/** `CheckInHeld` → `Check in held`, `heldOn` → `held on`. */
const inWords = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function changeOf(event: RecordedEvent, streamOwnId: string): Change {
  const details = Object.entries(event.data as Record<string, unknown>)
    .filter(([, value]) => value !== undefined && value !== streamOwnId)
    .map(([key, value]) => `${inWords(key)} ${String(value)}`)
    .join(', ');
  const { recordedAt, actor, source } = event.metadata;
  return {
    what: sentence(inWords(event.type)),
    details,
    when: formatInstant(recordedAt),
    who: `${actor.kind} ${actor.id} via ${source}`,
  };
}

async function changesSince(store: EventStore, conflict: ConcurrencyConflictError): Promise<{ changes: Change[]; revision: number }> {
  const history = await store.readStream(conflict.streamId);
  const after = typeof conflict.expected === 'number' ? conflict.expected : -1;
  const { id } = parseStreamName(conflict.streamId);
  return { changes: history.filter((e) => e.revision > after).map((e) => changeOf(e, id)), revision: history.at(-1)?.revision ?? -1 };
}

export interface Option {
  value: string;
  label: string;
}

/**
 * What `views/partials/form.eta` prints for one form: every id, attribute and message worked
 * out here, so the template stays a loop.
 */
export function formView(
  spec: FormSpec,
  input: { action: string; hxTarget: string; state: FormState; options?: Record<string, readonly Option[]>; reloadHref: string },
) {
  const { state } = input;
  const known = new Set(spec.fields.map((f) => f.name));
  const messagesFor = (name: string) => state.issues.filter((i) => i.field === name).map((i) => i.message);
  const firstInvalid = spec.fields.find((f) => messagesFor(f.name).length > 0)?.name;
  const fields = spec.fields.map((field) => {
    const id = `${spec.id}-${field.name}`;
    const value = state.values[field.name] ?? '';
    const messages = messagesFor(field.name);
    const error = messages.length === 0 ? null : messages.join('; ');
    const hintId = field.hint ? `${id}-hint` : null;
    const errorId = error === null ? null : `${id}-error`;
    return {
      id,
      name: field.name,
      label: field.label,
      optional: field.optional ?? false,
      hint: field.hint ?? null,
      hintId,
      error,
      errorId,
      describedBy: [hintId, errorId].filter((x) => x !== null).join(' ') || null,
      autofocus: field.name === firstInvalid,
      value,
      select: field.kind === 'select',
      options: (input.options?.[field.name] ?? []).map((o) => ({ ...o, selected: o.value === value })),
      type: field.kind === 'date' ? 'date' : field.kind === 'text' ? 'text' : 'number',
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
    id: spec.id,
    title: spec.title,
    submit: spec.submit,
    action: input.action,
    hxTarget: input.hxTarget,
    revision: spec.revisioned ? (state.values[REVISION] ?? '') : null,
    fields,
    // Rules about something the form has no field for (the team itself, the revision).
    errors: state.issues.filter((i) => !known.has(i.field)).map((i) => sentence(`${inWords(i.field)} ${i.message}`)),
    changes: state.changes ?? null,
    reloadHref: input.reloadHref,
    invalid: state.issues.length > 0 || state.changes !== undefined,
  };
}

export type FormView = ReturnType<typeof formView>;
