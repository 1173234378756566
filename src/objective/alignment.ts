/** The cascade, as the alignment map and the align dimension read it. Pure. */

export interface Node {
  objectiveId: string;
  parentKind: 'theme' | 'objective' | null;
  parentId: string | null;
}

/**
 * The objectives whose chain of parents reaches a strategic theme still set: every objective on
 * the way must be set (a dropped one breaks the chain, as does a link to one nobody knows).
 * `reachesElsewhere` answers for a parent outside `objectives` (a read model recounting one
 * subtree knows whether its root's parent reaches a theme).
 */
export function reachingTheme(
  objectives: readonly Node[],
  themes: ReadonlySet<string>,
  reachesElsewhere: (objectiveId: string) => boolean = () => false,
): Set<string> {
  const byId = new Map(objectives.map((o) => [o.objectiveId, o]));
  const known = new Map<string, boolean>();
  const reaches = (id: string, seen: Set<string>): boolean => {
    const cached = known.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    let result = node === undefined && reachesElsewhere(id);
    if (node !== undefined && node.parentId !== null && !seen.has(id)) {
      seen.add(id);
      result = node.parentKind === 'theme' ? themes.has(node.parentId) : reaches(node.parentId, seen);
    }
    known.set(id, result);
    return result;
  };
  return new Set(objectives.filter((o) => reaches(o.objectiveId, new Set())).map((o) => o.objectiveId));
}
