// unitLevels.js — what the UI knows about unit levels (DESIGN §2 "unit").
//
// The server is the authority (gg_unit_level_allowed in src/domain/unit.c);
// this copy only decides which levels the "create child" dialog offers and how
// a code should look, so people are not invited to send what will be refused.

export const LEVELS = ['root', 'province', 'city', 'county', 'street', 'community', 'grid', 'micro_grid', 'department', 'property']

const CHILDREN = {
  root: ['province'],
  province: ['city', 'county'],
  city: ['county', 'department'],
  county: ['street', 'department'],
  street: ['community', 'department'],
  community: ['grid', 'property'],
  grid: ['micro_grid'],
  micro_grid: [],
  department: [],
  property: [],
}

/** Levels a new unit may have under a parent of this level. */
export function childLevels(parentLevel) {
  return CHILDREN[parentLevel] || []
}

/*
 * Division codes (统计用区划代码) are 12 digits: province 2, city 2, county 2,
 * street 3, community 3, padded with zeros.  A grid's code is 15 digits: the
 * community's 12 and a 3-digit serial.  A new child's code starts with the
 * parent's significant digits, so we pre-fill them.
 */
const PREFIX_DIGITS = { province: 0, city: 2, county: 4, street: 6, community: 9 }
const CODE_LENGTH = { province: 12, city: 12, county: 12, street: 12, community: 12, grid: 15 }

export function codePrefix(parent, level) {
  const code = (parent && parent.code) || ''
  if (!/^\d+$/.test(code)) return ''
  if (level in PREFIX_DIGITS) return code.slice(0, PREFIX_DIGITS[level])
  if (level === 'grid' || level === 'micro_grid') return code
  return ''
}

/** Expected code length, or null when the level has no fixed format (departments, micro-grids). */
export function codeLength(level) {
  return CODE_LENGTH[level] || null
}

/** "division" (12-digit), "grid" (15-digit) or "other", for the code's explanation. */
export function codeKind(code) {
  if (/^\d{12}$/.test(code || '')) return 'division'
  if (/^\d{15}$/.test(code || '')) return 'grid'
  return 'other'
}
