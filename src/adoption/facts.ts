/**
 * Which events are adoption facts, and the fact each one records: the adoption read model stores
 * them, the rules score areas from them. One mapping, so a rule's score is the heatmap's. Pure.
 */
import { type AdoptionEvent, adoptionEvents } from '../team/events.ts';
import type { AdoptionFact } from './model.ts';

/** What a fact says beyond its kind and date: evidence for a reader, not for a score. */
export interface FactDetails {
  objectives?: number;
  keyResults?: number;
  /** Parent objective (aligned) or key result (progress). */
  ref?: string;
  progress?: number;
  attendance?: number;
  confidence?: number;
  actions?: number;
  reason?: string;
}

export interface TeamFact {
  teamId: string;
  /** Null for a training not tied to a cycle. */
  cycleId: string | null;
  fact: AdoptionFact;
  details: FactDetails;
}

export const adoptionTypes: readonly AdoptionEvent['type'][] = adoptionEvents.map((d) => d.type);
const adoptionTypeSet = new Set<string>(adoptionTypes);

export const isAdoptionEvent = (event: { type: string }): event is AdoptionEvent => adoptionTypeSet.has(event.type);

function factAndDetails(event: AdoptionEvent): Pick<TeamFact, 'fact' | 'details'> {
  switch (event.type) {
    case 'TrainingCompleted': {
      const { kind, completedOn, participants } = event.data;
      return { fact: { kind: 'training', on: completedOn, trainingKind: kind, participants }, details: {} };
    }
    case 'OkrsDrafted':
      return {
        fact: { kind: 'drafted', on: event.data.draftedOn },
        details: { objectives: event.data.objectives, keyResults: event.data.keyResults },
      };
    case 'OkrsPublished':
      return { fact: { kind: 'published', on: event.data.publishedOn }, details: {} };
    case 'OkrsAligned':
      return { fact: { kind: 'aligned', on: event.data.alignedOn }, details: { ref: event.data.parentRef } };
    case 'CheckInHeld':
      return {
        fact: { kind: 'check-in-held', on: event.data.heldOn },
        details: { attendance: event.data.attendance, confidence: event.data.confidence },
      };
    case 'CheckInMissed':
      return { fact: { kind: 'check-in-missed', on: event.data.dueOn }, details: { reason: event.data.reason } };
    case 'KeyResultProgressReported':
      return {
        fact: { kind: 'key-result-progress', on: event.data.reportedOn },
        details: { ref: event.data.keyResultRef, progress: event.data.progress },
      };
    case 'CycleReviewHeld':
      return { fact: { kind: 'review', on: event.data.heldOn }, details: {} };
    case 'RetrospectiveHeld':
      return { fact: { kind: 'retrospective', on: event.data.heldOn }, details: { actions: event.data.actions } };
    default: {
      const unexpected: never = event;
      throw new Error(`not an adoption event: ${(unexpected as { type: string }).type}`);
    }
  }
}

/** The adoption fact an adoption event records, with the team and cycle it is about. */
export function adoptionFactOf(event: AdoptionEvent): TeamFact {
  const cycleId = 'cycleId' in event.data ? (event.data.cycleId ?? null) : null;
  return { teamId: event.data.teamId, cycleId, ...factAndDetails(event) };
}
