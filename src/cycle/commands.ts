import { defineCommand, type CommandOf } from '../shared/command.ts';
import { CycleClosed, CycleOpened } from './events.ts';

export const OpenCycle = defineCommand(
  'OpenCycle',
  CycleOpened.schema.refine((d) => d.endsOn > d.startsOn, { path: ['endsOn'], message: 'must be after startsOn' }),
);
export const CloseCycle = defineCommand('CloseCycle', CycleClosed.schema);

export type OpenCycle = CommandOf<typeof OpenCycle>;
export type CloseCycle = CommandOf<typeof CloseCycle>;
