import type { z } from 'zod';
import type { TrainingKind } from './events.ts';

export const trainingLabels: Record<z.infer<typeof TrainingKind>, string> = {
  'okr-basics': 'OKR basics',
  'writing-okrs': 'Writing OKRs',
  'running-check-ins': 'Running check-ins',
  'reviews-and-retros': 'Reviews and retros',
  'leading-with-okrs': 'Leading with OKRs',
};
