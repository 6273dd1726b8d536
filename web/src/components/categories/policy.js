// policy.js — a category policy's fields as people read them (the detail table and the dialog's hints).

/** The rows of the policy table: a limit with its unit is one row. */
export const POLICY_ROWS = ['response_limit', 'handling_limit', 'first_handler', 'department_kind', 'priority',
  'resident_selectable', 'open_condition', 'close_condition']

/** The free-text fields. */
export const POLICY_TEXT_FIELDS = ['department_kind', 'open_condition', 'close_condition']

/** Field f of policy p in words ("4 工作小时", "网格员"); '' when unset. */
export function policyValue(t, f, p) {
  const v = p[f]
  if (v === null || v === undefined) return ''
  if (f === 'response_limit' || f === 'handling_limit') {
    const unit = p[f.replace('_limit', '_unit')]
    return `${v} ${unit ? t(`categories.units.${unit}`, v) : ''}`.trim()
  }
  if (f === 'first_handler') return t(`categories.handlers.${v}`)
  if (f === 'priority') return t(`categories.priorities.${v}`)
  if (f === 'resident_selectable') return v ? t('categories.yes') : t('categories.no')
  return v
}
