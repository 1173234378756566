import type { HandlerDeps } from '../shared/directory.ts';
import type { FormDeps } from './forms.ts';
import type { Views } from './views.ts';

/** A stream's revision as the read models know it (-1: none yet); edit forms carry it. */
export interface Revisions {
  of(streamId: string): number;
}

/**
 * What every slice's routes are given besides their own read side. Nothing here reads an event
 * stream for a page: GET handlers render read models; the store is reached only through the
 * handlers a POST calls (and, on a conflict, to list what changed).
 */
export interface WebDeps {
  views: Views;
  /** Today's calendar date (`YYYY-MM-DD`) from the injected clock. */
  today: () => string;
  handlers: HandlerDeps;
  forms: FormDeps;
  revisions: Revisions;
}
