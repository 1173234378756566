import type { Names } from '../shared/names.ts';
import type { StrategyEvent } from './events.ts';

/** A strategy event in one line: "Linked to theme Grow recurring revenue (a cross-area contribution)". */
export function describeStrategyEvent(event: StrategyEvent, names: Names): string {
  switch (event.type) {
    case 'StrategicThemeSet':
      return `Strategic theme "${event.data.title}" set`;
    case 'StrategicThemeRenamed':
      return `Strategic theme renamed to "${event.data.title}"`;
    case 'StrategicThemeDropped':
      return `Strategic theme ${names.theme(event.data.themeId)} dropped`;
    case 'ObjectiveSet': {
      const { title, cycleId, areaId, teamId } = event.data;
      const owner = teamId === undefined ? names.area(areaId) : names.team(teamId);
      return `Objective "${title}" set for ${owner} in ${names.cycle(cycleId)}`;
    }
    case 'ObjectiveRenamed':
      return `Objective renamed to "${event.data.title}"`;
    case 'KeyResultDefined':
      return `Key result "${event.data.title}" defined`;
    case 'ObjectiveLinked': {
      const { parentKind, parentId, crossArea } = event.data;
      const parent = parentKind === 'theme' ? `theme ${names.theme(parentId)}` : `objective ${names.objective(parentId)}`;
      return `Linked to ${parent}${crossArea ? ' (a cross-area contribution)' : ''}`;
    }
    case 'ObjectiveUnlinked':
      return 'Unlinked from its parent';
    case 'ObjectiveDropped':
      return `Objective ${names.objective(event.data.objectiveId)} dropped`;
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}
