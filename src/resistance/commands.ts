import { z } from 'zod';
import { defineCommand, type CommandOf } from '../shared/command.ts';
import {
  InterventionCancelled,
  InterventionCompleted,
  InterventionPlanned,
  ResistanceSignalAcknowledged,
  ResistanceSignalEscalated,
  ResistanceSignalRaised,
  ResistanceSignalResolutionProposed,
  ResistanceSignalResolved,
} from './events.ts';

/** A signal inferred by a rule names that rule; one a person observed or an integration sent does not. */
export const RaiseResistanceSignal = defineCommand(
  'RaiseResistanceSignal',
  ResistanceSignalRaised.schema
    .refine((d) => (d.source === 'rule') === (d.rule !== undefined), {
      path: ['rule'],
      message: 'is required when the source is "rule", and only then',
    })
    .refine((d) => d.source === 'rule' || d.causes === undefined, {
      path: ['causes'],
      message: 'only a signal a rule inferred names its causing events',
    }),
);
export const AcknowledgeResistanceSignal = defineCommand('AcknowledgeResistanceSignal', ResistanceSignalAcknowledged.schema);
export const PlanIntervention = defineCommand('PlanIntervention', InterventionPlanned.schema);
export const CompleteIntervention = defineCommand('CompleteIntervention', InterventionCompleted.schema);
export const CancelIntervention = defineCommand('CancelIntervention', InterventionCancelled.schema);
/** With `cancelOpenInterventions`, interventions still planned are cancelled first; without, they block the resolution. */
export const ResolveResistanceSignal = defineCommand(
  'ResolveResistanceSignal',
  ResistanceSignalResolved.schema.extend({ cancelOpenInterventions: z.boolean().optional() }),
);
export const EscalateResistanceSignal = defineCommand('EscalateResistanceSignal', ResistanceSignalEscalated.schema);
export const ProposeResolution = defineCommand('ProposeResolution', ResistanceSignalResolutionProposed.schema);

export type RaiseResistanceSignal = CommandOf<typeof RaiseResistanceSignal>;
export type AcknowledgeResistanceSignal = CommandOf<typeof AcknowledgeResistanceSignal>;
export type PlanIntervention = CommandOf<typeof PlanIntervention>;
export type CompleteIntervention = CommandOf<typeof CompleteIntervention>;
export type CancelIntervention = CommandOf<typeof CancelIntervention>;
export type ResolveResistanceSignal = CommandOf<typeof ResolveResistanceSignal>;
export type EscalateResistanceSignal = CommandOf<typeof EscalateResistanceSignal>;
export type ProposeResolution = CommandOf<typeof ProposeResolution>;
