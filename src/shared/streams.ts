/**
 * Streams are `<category>-<id>`: EventStoreDB's category projection splits at the first `-`,
 * so a category never contains one; an id may.
 */
export const categories = [
  'area',
  'coach',
  'team',
  'cycle',
  'stakeholder',
  'signal',
  'integration',
  'account',
  'theme',
  'objective',
] as const;
export type Category = (typeof categories)[number];

export const streamName = (category: Category, id: string): string => `${category}-${id}`;

export function parseStreamName(streamId: string): { category: string; id: string } {
  const dash = streamId.indexOf('-');
  return dash < 0 ? { category: streamId, id: '' } : { category: streamId.slice(0, dash), id: streamId.slice(dash + 1) };
}
