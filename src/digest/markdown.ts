/** The digest as Markdown (CommonMark), for `uptake digest`: the same `Digest` the page prints. */
import { DIGEST_SECTIONS, type Digest, type DigestSignal, type Link, type Mover } from './digest.ts';

/** Text taken literally: what Markdown would read as markup is escaped, and a line break cannot start a new block. */
export const markdownText = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_[\]<>|~&#!]/g, (c) => `\\${c}`);

/** `base` makes the page's paths absolute (a digest is read away from Uptake); the destination is bracketed, so parentheses in it are safe. */
const link = ({ label, href }: Link, base: string): string => `[${markdownText(label)}](<${base}${href}>)`;

function moverLines(mover: Mover, base: string): string[] {
  return [
    `- ${link(mover.area, base)} (${markdownText(mover.area.code)}): ${mover.from} → ${mover.to} (${mover.change})`,
    ...mover.facts.map(
      (f) => `  - ${f.on} · ${link(f.team, base)}: ${markdownText(f.summary)} (${link({ label: 'evidence', href: f.evidence }, base)})`,
    ),
    ...(mover.more === null ? [] : [`  - ${mover.more}: ${link({ label: 'timeline', href: mover.timeline }, base)}`]),
  ];
}

function signalLine(s: DigestSignal): string {
  const escalated = s.escalatedTo === null ? '' : `, escalated to ${markdownText(s.escalatedTo)}`;
  return `severity ${s.severity.value} (${s.severity.label}) · ${s.kind} · ${markdownText(s.where)} · ${s.source}, ${s.on}${escalated}`;
}

function section(key: keyof typeof DIGEST_SECTIONS, lines: string[], empty: string = DIGEST_SECTIONS[key].empty): string[] {
  return [`## ${DIGEST_SECTIONS[key].heading}`, '', ...(lines.length === 0 ? [`_${empty}_`] : lines), ''];
}

export function digestMarkdown(digest: Digest, base: string): string {
  const { week, cycle } = digest;
  const scoredEmpty = (key: 'up' | 'down' | 'stalled' | 'forecasts') => (cycle === null ? digest.noCycle : DIGEST_SECTIONS[key].empty);
  return [
    `# ${digest.title}`,
    '',
    [
      week.label,
      week.progress,
      cycle === null ? null : `cycle ${markdownText(cycle.name)}, overall scores as of ${cycle.scoredFrom} against ${cycle.scoredTo}`,
    ]
      .filter((part) => part !== null)
      .join(' · '),
    '',
    ...section(
      'up',
      digest.up.flatMap((m) => moverLines(m, base)),
      scoredEmpty('up'),
    ),
    ...section(
      'down',
      digest.down.flatMap((m) => moverLines(m, base)),
      scoredEmpty('down'),
    ),
    ...section(
      'raised',
      digest.raised.map((s) => `- ${link(s.signal, base)}: ${signalLine(s)}`),
    ),
    ...section(
      'escalated',
      digest.escalated.map((s) => `- ${link(s.signal, base)}: ${signalLine(s)}`),
    ),
    ...section(
      'stalled',
      digest.stalled.map((a) => `- ${link(a.area, base)}, overall ${a.score}: ${a.reasons.join('; ')}`),
      scoredEmpty('stalled'),
    ),
    ...section(
      'forecasts',
      digest.forecasts.map((f) => `- ${link(f.area, base)} (${f.direction}): was ${markdownText(f.before)} Now ${markdownText(f.after)}`),
      scoredEmpty('forecasts'),
    ),
    ...section(
      'stakeholders',
      digest.stakeholders.map(
        (s) =>
          `- ${link(s.stakeholder, base)} (${markdownText(s.role)}, ${markdownText(s.area)}): ${s.changes.map(markdownText).join('; ')} (${s.on})`,
      ),
    ),
    '## How to read this',
    '',
    `- Movers: ${digest.rules.movers}`,
    `- Stalled: ${digest.rules.stalled}`,
    `- Forecasts: ${digest.rules.forecasts}`,
    `- Stakeholders: ${digest.rules.stakeholders}`,
    '',
  ].join('\n');
}
