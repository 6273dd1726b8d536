// caseEnums.js — what the web app knows about the case loop's words (docs/cases.md): states with their tag
// colours, channels, inboxes, ratings, and for each action the inputs its dialog asks for.  The server decides
// which actions a caller may take (a case's `actions`); this only says how to ask for each.

export const STATES = [
  'reported',
  'accepted',
  'registered',
  'dispatched',
  'in_progress',
  'awaiting_verification',
  'suspended',
  'closed',
  'rated',
  'rejected',
  'merged',
]

const STATE_TYPES = {
  reported: 'warning',
  accepted: 'warning',
  registered: 'primary',
  dispatched: 'primary',
  in_progress: 'primary',
  awaiting_verification: 'warning',
  suspended: 'info',
  closed: 'success',
  rated: 'success',
  rejected: 'info',
  merged: 'info',
}
export const stateType = (s) => STATE_TYPES[s] || 'info'

export const CHANNELS = ['app', 'hotline', 'patrol', 'walk_in', 'open311', 'video_alarm']
export const BOXES = ['mine', 'dispatch', 'verify', 'supervised', 'overdue', 'near_due', 'all']
export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied']

/**
 * The inputs of each action's dialog: fields it shows, which of them are required.
 *   note      — a text (label per action), `noteRequired`
 *   reason    — a required reason
 *   unit      — a handling unit (dispatch, reassign), with `person` and, for dispatch, `assist`
 *   extension — days or hours
 *   due       — a due date (supervise)
 *   merge     — the case to merge into
 *   public    — the public / internal switch (note)
 *   photos    — attachments (feedback, assist_report)
 * `danger` colours the button; `primary` marks the step that moves the case on.
 */
export const ACTIONS = {
  accept: { note: true, primary: true },
  register: { note: true, primary: true },
  reject: { reason: true, danger: true },
  close: { note: true, noteRequired: true, noteKey: 'reply' },
  dispatch: { unit: true, person: true, assist: true, note: true, primary: true },
  receive: { note: true, primary: true },
  return: { reason: true, danger: true },
  reassign: { unit: true, person: true, reason: true },
  escalate: { reason: true },
  assist_report: { note: true, noteRequired: true, photos: true, primary: true },
  feedback: { note: true, noteRequired: true, photos: true, primary: true },
  verify_pass: { note: true, primary: true },
  verify_fail: { reason: true, danger: true },
  extend_request: { extension: true, reason: true },
  extend_approve: { note: true, primary: true },
  extend_reject: { reason: true, danger: true },
  suspend: { reason: true },
  resume: { note: true, primary: true },
  supervise: { due: true, note: true, noteRequired: true },
  merge: { merge: true, note: true },
  note: { note: true, noteRequired: true, public: true },
  rate: { rating: true, note: true, noteKey: 'comment' },
  reopen: { reason: true },
}

/** The order the buttons stand in: the step forward first, then the others, the refusals last. */
export function orderActions(actions) {
  const list = (actions || []).filter((a) => a in ACTIONS)
  const rank = (a) => (ACTIONS[a].primary ? 0 : ACTIONS[a].danger ? 2 : 1)
  return list.sort((a, b) => rank(a) - rank(b))
}

/** Levels a case can be dispatched to (docs/cases.md: departments, grids, 物业, communities). */
export const DISPATCH_LEVELS = ['department', 'grid', 'property', 'community', 'street']

/** States in which a case is still running (its clock counts). */
export const OPEN_STATES = new Set(['reported', 'accepted', 'registered', 'dispatched', 'in_progress', 'awaiting_verification', 'suspended'])
