import type { ListedToken } from '../../projections/integrations.ts';
import { formatInstant } from '../adoption/calendar.ts';
import { formFor, formView, freshState, type FormState } from '../http/forms.ts';
import type { ConsumerSnapshot, PartitionLag } from '../ingest/status.ts';
import { plural } from '../shared/vocabulary.ts';
import type { DeadLetterReason, StoredDeadLetter } from './deadLetters.ts';
import { waiting } from './deadLetters.ts';
import { grantTokenForm, redriveForm, redriveReasonForm, revokeTokenForm } from './forms.ts';
import type { RedriveResult } from './handlers.ts';

/** How much of a message the list shows; the rest is one link away. */
export const PREVIEW_CHARS = 400;
export const PAGE_SIZE = 20;
/** Reasons listed, most letters first; the one filtered by is listed too, wherever it ranks. */
export const REASONS_SHOWN = 25;

/** The Kafka consumer as configured and as it is now; absent when `KAFKA_BROKERS` is unset. */
export interface ConsumerFacts {
  group: string;
  topics: readonly string[];
  deadLetterTopic: string;
  snapshot: ConsumerSnapshot;
  /** Lag per partition, or why the broker could not say. */
  lag: { partitions: PartitionLag[] } | { error: string };
}

export interface DeadLetterFilter {
  reason?: string | undefined;
  before?: number | undefined;
}

export interface IntegrationsPage {
  consumer: ConsumerFacts | undefined;
  tokens: ListedToken[];
  reasons: DeadLetterReason[];
  letters: StoredDeadLetter[];
  /** The `before` of the next (older) page, when there is one. */
  next: number | null;
  filter: DeadLetterFilter;
}

export interface Answered {
  answered?: { formId: string; state: FormState };
  recorded?: string | undefined;
  /** A token just granted: its only showing. */
  shownToken?: { token: string; name: string; source: string };
  /** A token form sent again after it was granted: the token cannot be shown a second time. */
  alreadyGranted?: boolean;
  redriven?: RedriveResult[];
}

/** The list's filter (and a status line's form) as a query string: empty, or `?…`. */
function query(filter: DeadLetterFilter & { recorded?: string }): string {
  const params = new URLSearchParams(
    Object.entries(filter).flatMap(([key, value]): [string, string][] => (value === undefined ? [] : [[key, String(value)]])),
  );
  return params.size === 0 ? '' : `?${params.toString()}`;
}

export const integrationsUrl = (filter: DeadLetterFilter & { recorded?: string }): string => `/integrations${query(filter)}`;

export const deadLetterPath = (seq: number): string => `/integrations/dead-letters/${seq}`;

/** A message's bytes as text: what a person can read of it. */
export const messageText = (value: Buffer | null): string => value?.toString('utf8') ?? '';

const outcomeWords: Record<RedriveResult['outcome'], string> = {
  accepted: 'accepted',
  duplicate: 'already recorded (duplicate)',
  rejected: 'still rejected',
  'through already': 'went through before; nothing done',
};

/** One line for what a re-drive did to several messages. */
export function redriveSummary(results: readonly RedriveResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(outcomeWords[r.outcome], (counts.get(outcomeWords[r.outcome]) ?? 0) + 1);
  const parts = [...counts].map(([words, n]) => `${n} ${words}`);
  if (results.length === 1) {
    const [only] = results;
    return `Message ${only!.seq} re-driven: ${outcomeWords[only!.outcome]}${only!.reason ? ` (${only!.reason})` : ''}.`;
  }
  return `${plural(results.length, 'message')} re-driven: ${parts.join(', ')}.`;
}

function consumerView(consumer: ConsumerFacts | undefined) {
  if (consumer === undefined) return null;
  const { snapshot } = consumer;
  const connection =
    snapshot.state === 'down'
      ? { tone: 'down', label: 'Down', note: snapshot.error ?? 'the consumer stopped' }
      : snapshot.connectedSince !== null
        ? { tone: 'up', label: 'Connected', note: `since ${formatInstant(snapshot.connectedSince.toISOString())}` }
        : {
            tone: 'waiting',
            label: 'Not connected',
            note: snapshot.state === 'starting' ? 'starting: joining its group' : 'rejoining its group',
          };
  return {
    ...connection,
    group: consumer.group,
    topics: consumer.topics.join(', '),
    deadLetterTopic: consumer.deadLetterTopic,
    lastMessage: snapshot.lastMessageAt === null ? 'none since Uptake started' : formatInstant(snapshot.lastMessageAt.toISOString()),
    rate: `${snapshot.ratePerSecond.toFixed(snapshot.ratePerSecond < 1 ? 2 : snapshot.ratePerSecond < 10 ? 1 : 0)} messages/s`,
    lagError: 'error' in consumer.lag ? consumer.lag.error : null,
    partitions: 'partitions' in consumer.lag ? consumer.lag.partitions.map((p) => ({ ...p, consumed: p.consumed ?? 'nothing yet' })) : [],
    totalLag: 'partitions' in consumer.lag ? consumer.lag.partitions.reduce((sum, p) => sum + p.lag, 0) : null,
  };
}

export function integrationsView(page: IntegrationsPage, input: Answered) {
  const answeredFor = (formId: string) => (input.answered?.formId === formId ? input.answered.state : null);
  const { filter } = page;
  const here = integrationsUrl(filter);
  // A form's answer keeps the list where it was: the POST carries the filter in its query.
  const withFilter = (path: string) => `${path}${query(filter)}`;
  const form = (f: Parameters<typeof formView>[0], action: string) =>
    formView(f, { action, hxTarget: '#integrations', state: answeredFor(f.id) ?? freshState(f, {}), reloadHref: here });
  const selectedReason = filter.reason === undefined ? undefined : page.reasons.find((r) => r.reason === filter.reason);
  return {
    title: 'Integrations',
    recorded: input.recorded ?? (input.redriven ? redriveSummary(input.redriven) : null),
    consumer: consumerView(page.consumer),
    shownToken: input.shownToken ?? null,
    alreadyGranted: input.alreadyGranted ?? false,
    tokens: page.tokens.map((t) => ({
      name: t.name,
      source: t.source,
      tokenId: t.tokenId,
      granted: formatInstant(t.grantedAt),
      lastUsed: t.lastUsedAt === null ? 'never' : formatInstant(t.lastUsedAt),
      revoked: t.revokedAt === null ? null : formatInstant(t.revokedAt),
      revokeForm:
        t.revokedAt === null
          ? form(
              formFor(revokeTokenForm, `revoke-${t.tokenId}`, `Revoke ${t.name}`),
              `/integrations/tokens/${encodeURIComponent(t.tokenId)}/revoke`,
            )
          : null,
    })),
    grantForm: form(grantTokenForm, '/integrations/tokens'),
    reasons: page.reasons
      .filter((r, rank) => rank < REASONS_SHOWN || r.reason === filter.reason)
      .map((r) => ({ ...r, href: integrationsUrl({ reason: r.reason }), selected: r.reason === filter.reason })),
    moreReasons: Math.max(0, page.reasons.length - REASONS_SHOWN),
    allHref: '/integrations#dead-letters',
    filteredBy: filter.reason ?? null,
    // Offered while some letter of the reason waits, and kept to answer a POST that found none.
    redriveAllForm:
      filter.reason !== undefined && ((selectedReason?.waiting ?? 0) > 0 || answeredFor(redriveReasonForm.id) !== null)
        ? form(
            formFor(
              redriveReasonForm,
              redriveReasonForm.id,
              `Re-drive the ${plural(selectedReason?.waiting ?? 0, 'waiting message')} of this reason`,
            ),
            `/integrations/dead-letters/redrive?${new URLSearchParams({ reason: filter.reason }).toString()}`,
          )
        : null,
    letters: page.letters.map((letter) => {
      const text = messageText(letter.value);
      const bytes = letter.value?.length ?? 0;
      return {
        seq: letter.seq,
        where: `${letter.topic} · partition ${letter.partition} · offset ${letter.offset}`,
        when: formatInstant(letter.recordedAt),
        reason: letter.reason,
        preview: text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text,
        truncated: text.length > PREVIEW_CHARS,
        size: plural(bytes, 'byte'),
        href: deadLetterPath(letter.seq),
        redrive:
          letter.redrive === null
            ? null
            : {
                tone: letter.redrive.outcome,
                words: `Re-driven ${formatInstant(letter.redrive.at)}: ${outcomeWords[letter.redrive.outcome]}`,
                reason: letter.redrive.reason,
              },
        redriveForm: waiting(letter)
          ? form(
              formFor(redriveForm, `redrive-${letter.seq}`, `Re-drive message ${letter.seq}`),
              withFilter(`${deadLetterPath(letter.seq)}/redrive`),
            )
          : null,
      };
    }),
    nextHref: page.next === null ? null : `${integrationsUrl({ reason: filter.reason, before: page.next })}#dead-letters`,
    firstHref: filter.before === undefined ? null : `${integrationsUrl({ reason: filter.reason })}#dead-letters`,
  };
}

/** One dead letter in full: every header, and the whole message. */
export function deadLetterView(letter: StoredDeadLetter) {
  return {
    title: `Dead letter ${letter.seq}`,
    seq: letter.seq,
    where: `${letter.topic} · partition ${letter.partition} · offset ${letter.offset}`,
    when: formatInstant(letter.recordedAt),
    reason: letter.reason,
    key: letter.key === null ? null : letter.key.toString('utf8'),
    headers: Object.entries(letter.headers).map(([name, value]) => ({ name, value: value.toString('utf8') })),
    text: messageText(letter.value),
    redrive:
      letter.redrive === null
        ? null
        : {
            words: `Re-driven ${formatInstant(letter.redrive.at)}: ${outcomeWords[letter.redrive.outcome]}`,
            reason: letter.redrive.reason,
          },
    backHref: integrationsUrl({ reason: letter.reason }),
  };
}
