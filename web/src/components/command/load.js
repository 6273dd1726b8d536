// load.js — the command centre's colours of a unit's load (the map's fills and the legend).
/** The fill of a child by its load, and a darker shade for more. */
export function loadColour(open, overdue, maxOpen) {
  if (overdue > 0) return overdue >= 5 ? '#b71c1c' : overdue >= 2 ? '#e53935' : '#ef9a9a'
  if (!open) return '#a5d6a7'
  const share = maxOpen > 0 ? open / maxOpen : 0
  return share > 0.66 ? '#ef6c00' : share > 0.33 ? '#ffa726' : '#ffe082'
}

export const LEGEND = [
  { key: 'overdue', colour: '#e53935' },
  { key: 'high', colour: '#ef6c00' },
  { key: 'medium', colour: '#ffa726' },
  { key: 'low', colour: '#ffe082' },
  { key: 'none', colour: '#a5d6a7' },
]
