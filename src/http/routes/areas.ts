import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AreaStakeholders, OpenSignals, OrgCoach, OrgQueries } from '../../../projections/org/queries.ts';
import type { TimelineEntry, TimelineQueries } from '../../../projections/timeline.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { Id } from '../../shared/event.ts';
import { parseQuery, SelectionQuery } from '../query.ts';
import { organisationUrl, resistanceUrl, signalPath, stakeholderPath, teamPath } from '../urls.ts';
import { areaPageView, formatDate, formatInstant, teamRowsView } from '../viewModels.ts';
import { sendHtml, wantsFragment } from '../views.ts';
import { requireSelection, type ReadRouteOptions } from './selection.ts';
import { timelineUrl } from './timeline.ts';

export interface AreaRouteOptions extends ReadRouteOptions {
  org: OrgQueries;
  timeline: TimelineQueries;
}

const AreaParams = z.object({ areaId: Id });

/** How many of each the area page lists; each list links to the page that has them all. */
const TOP_SIGNALS = 5;
const TOP_STAKEHOLDERS = 6;
const RECENT_EVENTS = 10;

/** The tone the resistance labels use for a severity (uptake.css `.resistance--*`). */
const severityLevel = (severity: number) => (severity >= 4 ? 'high' : severity === 3 ? 'medium' : 'low');

const query = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;

/** The area page's sections beyond its scores: who coaches it, what resists, who matters, what happened. */
function areaSectionsView(input: {
  areaId: string;
  coaches: Omit<OrgCoach, 'areas'>[];
  signals: OpenSignals;
  stakeholders: AreaStakeholders;
  events: TimelineEntry[];
}) {
  const { areaId, signals, stakeholders } = input;
  return {
    manageHref: organisationUrl({ area: areaId }),
    coaches: input.coaches.map((c) => ({ name: c.name, email: c.email, mailto: `mailto:${c.email}` })),
    signals: {
      total: signals.total,
      bySeverity: signals.bySeverity.map((s) => ({ severity: s.severity, count: s.count, level: severityLevel(s.severity) })),
      top: signals.top.map((s) => ({
        href: signalPath(s.signalId),
        kind: s.kind,
        severity: s.severity,
        level: severityLevel(s.severity),
        status: s.status,
        description: s.description,
        where: [s.areaId === areaId ? null : s.areaName, s.teamName].filter((w) => w !== null).join(' · '),
        raised: formatDate(s.raisedOn),
      })),
      allHref: resistanceUrl({ area: areaId }),
    },
    stakeholders: {
      total: stakeholders.total,
      top: stakeholders.top.map((s) => ({
        href: stakeholderPath(s.stakeholderId),
        name: s.name,
        role: s.role,
        influence: s.influence,
        interest: s.interest,
        attitude: s.attitude ?? 'not assessed',
        engaged: s.lastEngagedOn === null ? 'never engaged' : `engaged ${formatDate(s.lastEngagedOn)}`,
      })),
      allHref: query('/stakeholders', { area: areaId }),
    },
    events: input.events.map((e) => ({
      summary: e.summary,
      team: e.team === null ? null : { name: e.team.name ?? e.team.teamId, href: teamPath(e.team.teamId) },
      when: { iso: e.occurredAt, label: formatInstant(e.occurredAt) },
      who: `${e.actor.name ?? `${e.actor.kind} ${e.actor.id}`} via ${e.source}`,
    })),
    eventsHref: timelineUrl({ area: areaId }),
  };
}

/**
 * One area. The same URL is the expand link on the heatmap: an htmx request gets the team rows
 * to insert under the area's row, a plain request (no JavaScript) gets the whole area page: its
 * scores and teams, its coaches, its open signals, its stakeholders and its recent events.
 */
export const areaRoutes: FastifyPluginAsync<AreaRouteOptions> = async (app, { queries, views, today, org, timeline }) => {
  app.get('/areas/:areaId', async (request, reply) => {
    const { areaId } = parseQuery(AreaParams, request.params);
    const { cycle, selection } = requireSelection(queries, today, parseQuery(SelectionQuery, request.query));
    const detail = queries.area(areaId, selection.cycleId, selection.asOf);
    if (detail === null) throw new NotFoundError(`There is no area "${areaId}".`);
    if (wantsFragment(request)) {
      return sendHtml(reply, views.render('partials/teamRows', teamRowsView(detail, selection, detail.area.depth + 1)));
    }
    const parentId = detail.area.parentAreaId;
    const parent = parentId === null ? null : (queries.area(parentId, selection.cycleId, selection.asOf)?.area ?? null);
    const sections = areaSectionsView({
      areaId,
      coaches: org.coachesOf(areaId),
      signals: org.openSignals(areaId, selection.asOf, TOP_SIGNALS),
      stakeholders: org.stakeholders(areaId, TOP_STAKEHOLDERS),
      events: timeline.page({ areaId }, RECENT_EVENTS).entries,
    });
    return sendHtml(reply, views.render('pages/area', { ...areaPageView({ cycles: queries.cycles(), cycle, detail, selection, parent }), ...sections }));
  });
};
