/**
 * The objectives graph as the rules fold it: each change to it yields, for every team whose
 * counts moved, the alignment fact the objectives read model records (how many of the team's
 * objectives in the cycle there are, how many reach a theme), so the rules score align as the
 * heatmap does. Pure; it recounts only the subtree below what changed, as the read model does.
 */
import type { AdoptionFact } from '../adoption/model.ts';
import type { UptakeEvent } from '../events.ts';
import { reachingTheme } from '../objective/alignment.ts';

export interface ObjectiveNode {
  teamId: string | null;
  cycleId: string;
  parentKind: 'theme' | 'objective' | null;
  parentId: string | null;
  dropped: boolean;
  reaching: boolean;
}

export interface ObjectivesGraph {
  /** Theme id → still set. */
  themes: Record<string, boolean>;
  objectives: Record<string, ObjectiveNode>;
  /** The last counts recorded per `team/cycle`: only a change is a new fact. */
  counts: Record<string, { objectives: number; reaching: number }>;
}

export const initialObjectivesGraph = (): ObjectivesGraph => ({ themes: {}, objectives: {}, counts: {} });

export interface AlignmentFact {
  teamId: string;
  cycleId: string;
  fact: Extract<AdoptionFact, { kind: 'alignment' }>;
}

/** Children by parent id and objectives by `team/cycle`, derived from the graph: not checkpointed, rebuilt after a restart. */
interface Index {
  children: Map<string, Set<string>>;
  byTeam: Map<string, Set<string>>;
}
const indexes = new WeakMap<ObjectivesGraph, Index>();

const addTo = (map: Map<string, Set<string>>, key: string, id: string) => {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([id]));
  else set.add(id);
};

function indexOf(graph: ObjectivesGraph): Index {
  let index = indexes.get(graph);
  if (index !== undefined) return index;
  index = { children: new Map(), byTeam: new Map() };
  for (const [id, node] of Object.entries(graph.objectives)) {
    if (node.parentId !== null) addTo(index.children, node.parentId, id);
    if (node.teamId !== null) addTo(index.byTeam, `${node.teamId}/${node.cycleId}`, id);
  }
  indexes.set(graph, index);
  return index;
}

function setParent(graph: ObjectivesGraph, id: string, parentKind: ObjectiveNode['parentKind'], parentId: string | null): void {
  const node = graph.objectives[id]!;
  const { children } = indexOf(graph);
  if (node.parentId !== null) children.get(node.parentId)?.delete(id);
  node.parentKind = parentKind;
  node.parentId = parentId;
  if (parentId !== null) addTo(children, parentId, id);
}

const themeChildren = (graph: ObjectivesGraph, themeId: string): string[] =>
  [...(indexOf(graph).children.get(themeId) ?? [])].filter((id) => graph.objectives[id]!.parentKind === 'theme');

/** What changed: the objective and everything below it, or a theme's objectives and everything below them. */
function below(graph: ObjectivesGraph, roots: Iterable<string>): string[] {
  const { children } = indexOf(graph);
  const found = new Set<string>();
  const walk = [...roots];
  for (let id = walk.pop(); id !== undefined; id = walk.pop()) {
    if (found.has(id)) continue;
    found.add(id);
    for (const child of children.get(id) ?? []) walk.push(child);
  }
  return [...found];
}

/**
 * Folds a change to the objectives graph; returns the alignment facts it records, dated `on`
 * (the read model dates them by the event's business day too). Mutates `graph`.
 */
export function onGraphEvent(graph: ObjectivesGraph, event: UptakeEvent, on: string): AlignmentFact[] {
  let roots: string[];
  switch (event.type) {
    case 'StrategicThemeSet':
      graph.themes[event.data.themeId] ??= true;
      roots = themeChildren(graph, event.data.themeId);
      break;
    case 'StrategicThemeDropped':
      if (graph.themes[event.data.themeId] === undefined) return [];
      graph.themes[event.data.themeId] = false;
      roots = themeChildren(graph, event.data.themeId);
      break;
    case 'ObjectiveSet': {
      const { objectiveId, cycleId, teamId } = event.data;
      if (graph.objectives[objectiveId] !== undefined) return [];
      graph.objectives[objectiveId] = {
        teamId: teamId ?? null,
        cycleId,
        parentKind: null,
        parentId: null,
        dropped: false,
        reaching: false,
      };
      if (teamId !== undefined) addTo(indexOf(graph).byTeam, `${teamId}/${cycleId}`, objectiveId);
      roots = [objectiveId];
      break;
    }
    case 'ObjectiveLinked':
    case 'ObjectiveUnlinked':
    case 'ObjectiveDropped': {
      const { objectiveId } = event.data;
      const node = graph.objectives[objectiveId];
      if (node === undefined) return [];
      if (event.type === 'ObjectiveLinked') setParent(graph, objectiveId, event.data.parentKind, event.data.parentId);
      else if (event.type === 'ObjectiveUnlinked') setParent(graph, objectiveId, null, null);
      else node.dropped = true;
      roots = [objectiveId];
      break;
    }
    default:
      return [];
  }
  const ids = below(graph, roots);
  const themes = new Set(Object.keys(graph.themes).filter((id) => graph.themes[id]));
  const nodes = ids.map((objectiveId) => ({ objectiveId, ...graph.objectives[objectiveId]! }));
  const reaching = reachingTheme(
    nodes.filter((n) => !n.dropped),
    themes,
    (id) => graph.objectives[id]?.dropped === false && graph.objectives[id].reaching,
  );
  const teams = new Set<string>();
  for (const n of nodes) {
    graph.objectives[n.objectiveId]!.reaching = reaching.has(n.objectiveId);
    if (n.teamId !== null) teams.add(`${n.teamId}/${n.cycleId}`);
  }
  const facts: AlignmentFact[] = [];
  for (const key of teams) {
    const live = [...(indexOf(graph).byTeam.get(key) ?? [])].map((id) => graph.objectives[id]!).filter((o) => !o.dropped);
    const now = { objectives: live.length, reaching: live.filter((o) => o.reaching).length };
    const was = graph.counts[key];
    if (was !== undefined && was.objectives === now.objectives && was.reaching === now.reaching) continue;
    graph.counts[key] = now;
    const [teamId, cycleId] = key.split('/') as [string, string];
    facts.push({ teamId, cycleId, fact: { kind: 'alignment', on, ...now } });
  }
  return facts;
}
