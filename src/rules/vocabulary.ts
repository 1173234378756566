import type { RuleName } from './rules.ts';

/** Each rule in words, as a signal's page names the rule that raised it. */
export const ruleLabels: Record<RuleName, string> = {
  'missed-check-ins': 'Check-ins missed in a row',
  'stalled-progress': 'No key-result progress in an open cycle',
  'attitude-fall': "A stakeholder's attitude fell",
  'area-score-drop': "An area's overall score fell",
  'training-without-okrs': 'Trained, but no OKRs drafted',
};
