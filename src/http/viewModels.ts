/**
 * What every page's view-models share: dates in words and the messages a re-rendered filter
 * prints beside its fields. The pages' own view-models live with their routes (`src/<slice>/`,
 * `src/overview/`).
 */
import { formatDate, formatInstant } from '../adoption/calendar.ts';
import type { FieldIssue } from '../shared/errors.ts';

export { formatDate, formatInstant };

/** Messages to print beside each field, quoting what was rejected (the field itself shows the default instead). */
export const issuesByField = (issues: FieldIssue[], input: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(issues.map((i) => [i.field, `${JSON.stringify(String(input[i.field] ?? ''))} ${i.message}`]));
