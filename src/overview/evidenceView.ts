import type { AreaDetail, CycleSummary, Dimension, EvidenceSummary, ScoreEvidence } from '../../projections/heatmap/types.ts';
import type { TimelineEntry } from '../../projections/timeline.ts';
import { formatDate } from '../adoption/calendar.ts';
import { dimensionOf, dimensions, overallWorking, weights, type Working, workings } from '../adoption/model.ts';
import { describeEvent, eventTypeLabel } from '../describe.ts';
import { areaUrl, evidenceUrl, heatmapUrl, type Selection } from '../http/urls.ts';
import type { Names } from '../shared/names.ts';
import { labelOf, plural } from '../shared/vocabulary.ts';
import { trainingLabels } from '../team/vocabulary.ts';
import { type Column, columnHeads, columnLabel, scoreCell } from './viewModels.ts';

const notDue = (working: Working): string | null => {
  if (working.due) return null;
  if (working.dimension === 'reflect') return `not due until the cycle ends on ${formatDate(working.endsOn)}`;
  if (working.dimension === 'run') return 'no check-in due yet';
  return null;
};

/** How the adoption model reached one dimension's score, in words (docs/adoption-model.md). */
export function workingInWords(working: Working): string {
  const score = `→ ${working.score}`;
  switch (working.dimension) {
    case 'learn':
      return working.trainingKind === null
        ? `No training since ${formatDate(working.from)} (the last 365 days) ${score}`
        : `${working.trained} of ${plural(working.size, 'person', 'people')} trained in “${labelOf(trainingLabels, working.trainingKind)}” since ${formatDate(working.from)}${working.trained > working.size ? ', capped at the team’s size' : ''} (the largest share of any one kind of training) ${score}`;
    case 'set':
      return `${working.published ? 'OKRs published' : working.drafted ? 'OKRs drafted, not yet published' : 'OKRs neither drafted nor published'} ${score}`;
    case 'align':
      if (working.objectives === null)
        return `${working.aligned ? 'OKRs aligned to a parent (recorded before any objective was)' : 'No objective recorded and OKRs not aligned'} ${score}`;
      return `${working.reaching} of ${plural(working.objectives, 'objective')} reach a strategic theme through their links ${score}`;
    case 'run': {
      const rhythm = `every ${plural(working.cadenceDays, 'day')} since ${formatDate(working.startsOn)}`;
      return working.expected === 0
        ? `No check-in expected yet by ${formatDate(working.until)} (${rhythm}); ${plural(working.held, 'check-in')} held early ${score}`
        : `${plural(working.held, 'check-in')} held of ${working.expected} expected by ${formatDate(working.until)} (${rhythm}) ${score}`;
    }
    case 'reflect': {
      const terms = `cycle review ${working.review ? 'held (50)' : 'not held (0)'} + retrospective ${working.retrospective ? 'held (50)' : 'not held (0)'}`;
      const due = notDue(working);
      return `${terms[0]!.toUpperCase()}${terms.slice(1)}${due === null ? '' : `, ${due}`} ${score}`;
    }
  }
}

/** The overall score's weighted mean in words, and why any dimension was left out. */
function overallInWords(byDimension: ReturnType<typeof workings>): { formula: string; leftOut: string[] } {
  const { score, counted } = overallWorking(byDimension);
  const sum = counted.reduce((n, d) => n + weights[d], 0);
  const terms = counted.map((d) => `${weights[d]}×${byDimension[d].score}`).join(' + ');
  const leftOut = dimensions
    .filter((d) => !counted.includes(d))
    .map((d) => {
      const working = byDimension[d];
      const why = working.score === 0 ? 'nothing done yet' : `${working.score} would lower the overall, and doing it early never does`;
      return `${columnLabel(d)} is left out: ${notDue(working) ?? 'not due yet'}; ${why}.`;
    });
  return { formula: `(${terms}) / ${sum} → ${score}`, leftOut };
}

/** Events listed on one page of the evidence. */
export const EVIDENCE_PAGE = 50;

/** The cursors of the page's first and last events, when there are earlier or later ones to page to. */
export interface EvidencePageLinks {
  earlier: string | null;
  later: string | null;
}

export function evidencePageView(input: {
  cycle: CycleSummary;
  selection: Selection;
  column: Column;
  teamId: string;
  area: AreaDetail | null;
  /** This page of the events behind the score. */
  evidence: ScoreEvidence[];
  summary: EvidenceSummary;
  page: EvidencePageLinks;
  /** The timeline's copies of the evidence's events, to put them in words. */
  entries: TimelineEntry[];
  names: Names;
}) {
  const { selection, column, area, cycle, names } = input;
  const team = area?.teams.find((t) => t.teamId === input.teamId) ?? null;
  const head = columnHeads.find((h) => h.column === column)!;
  const byPosition = new Map(input.entries.map((e) => [e.position, e.event]));
  const byDimension = team === null ? null : workings(input.summary.scored, team.size, cycle, selection.asOf);
  const shown: readonly Dimension[] = column === 'overall' ? dimensions : [column];
  const pageHref = (page: { after: string } | { before: string }) =>
    evidenceUrl({ teamId: input.teamId, areaId: area?.area.areaId ?? null }, column, selection, page);
  return {
    title: `${head.label} evidence · ${team?.name ?? input.teamId}`,
    dimension: { label: head.label, hint: head.hint },
    team:
      team === null
        ? { name: input.teamId, key: null, score: null }
        : { name: team.name, key: team.key, score: scoreCell(column, team.scores[column]) },
    area: area === null ? null : { name: area.area.name, href: areaUrl(area.area.areaId, selection) },
    cycle: { name: cycle.name },
    asOfLabel: formatDate(selection.asOf),
    heatmapHref: heatmapUrl(selection),
    computation:
      byDimension === null
        ? null
        : {
            lines: shown.map((d) => ({
              label: columnLabel(d),
              href: column === 'overall' && team !== null ? evidenceUrl(team, d, selection) : null,
              text: workingInWords(byDimension[d]),
            })),
            overall: column === 'overall' ? overallInWords(byDimension) : null,
          },
    byType: input.summary.byType.map(({ type, count }) => ({ key: eventTypeLabel(type), count })),
    total: input.summary.byType.reduce((sum, t) => sum + t.count, 0),
    earlierHref: input.page.earlier === null ? null : pageHref({ before: input.page.earlier }),
    laterHref: input.page.later === null ? null : pageHref({ after: input.page.later }),
    showDimension: column === 'overall',
    events: input.evidence.map((e) => {
      const event = byPosition.get(e.position);
      return {
        eventId: e.eventId,
        position: e.position,
        on: e.on,
        onLabel: formatDate(e.on),
        dimension: columnLabel(dimensionOf[e.fact.kind]),
        // The timeline may lag the adoption read model by a moment: the fact's kind says enough until it catches up.
        summary: event === undefined ? eventTypeLabel(e.type) : describeEvent(event, names),
      };
    }),
  };
}
