import type { AdoptionFactKind } from './model.ts';

/** Each kind of adoption fact in words, as the evidence behind a score lists it. */
export const factKindLabels: Record<AdoptionFactKind, string> = {
  training: 'Training completed',
  drafted: 'OKRs drafted',
  published: 'OKRs published',
  aligned: 'OKRs aligned',
  'check-in-held': 'Check-in held',
  'check-in-missed': 'Check-in missed',
  'key-result-progress': 'Key result progress reported',
  review: 'Cycle review held',
  retrospective: 'Retrospective held',
};
