// usePolygonEditor — a small polygon editor on a Leaflet map, without a
// drawing plugin: each click adds a vertex, vertices are draggable handles,
// clicking the first vertex (or "完成") closes the ring, a double click on a
// handle removes it.  The map's owner routes clicks here while drawing (a
// click on an existing grid must add a vertex, not open the grid).
//
//   const ed = usePolygonEditor()
//   ed.start(map, L, ring?)   // ring: [[lng, lat], …] of a border to edit
//   ed.add({lat, lng}); ed.undo(); const geometry = ed.finish(); ed.cancel()
import { ref } from 'vue'

export function usePolygonEditor({ onClose } = {}) {
  const active = ref(false)
  const count = ref(0)
  let map = null
  let L = null
  let group = null
  let shape = null
  let points = [] // [{lat, lng}]

  function start(m, Lmod, ring = null) {
    cancel()
    map = m
    L = Lmod
    group = L.layerGroup().addTo(map)
    points = ring ? ring.slice(0, ring.length > 1 && same(ring[0], ring[ring.length - 1]) ? -1 : undefined).map(([lng, lat]) => ({ lat, lng })) : []
    active.value = true
    redraw()
  }

  function same(a, b) {
    return a[0] === b[0] && a[1] === b[1]
  }

  function redraw() {
    if (!group) return
    group.clearLayers()
    count.value = points.length
    const latlngs = points.map((p) => [p.lat, p.lng])
    shape = points.length >= 3
      ? L.polygon(latlngs, { color: '#e6a23c', weight: 3, dashArray: '6 4', fillOpacity: 0.15, interactive: false, className: 'gg-drawing' })
      : L.polyline(latlngs, { color: '#e6a23c', weight: 3, dashArray: '6 4', interactive: false, className: 'gg-drawing' })
    shape.addTo(group)
    points.forEach((p, i) => {
      const handle = L.marker([p.lat, p.lng], {
        draggable: true,
        icon: L.divIcon({ className: i === 0 ? 'gg-vertex gg-vertex-first' : 'gg-vertex', iconSize: [14, 14] }),
        keyboard: false,
      })
      handle.on('drag', (e) => {
        const ll = e.target.getLatLng()
        points[i] = { lat: ll.lat, lng: ll.lng }
        shape.setLatLngs(points.map((q) => [q.lat, q.lng]))
      })
      handle.on('click', (e) => {
        L.DomEvent.stopPropagation(e)
        if (i === 0 && points.length >= 3 && onClose) onClose()
      })
      handle.on('dblclick', (e) => {
        L.DomEvent.stopPropagation(e)
        points.splice(i, 1)
        redraw()
      })
      handle.addTo(group)
    })
  }

  function add(p) {
    if (!active.value) return
    points.push({ lat: p.lat, lng: p.lng })
    redraw()
  }

  function undo() {
    points.pop()
    redraw()
  }

  /** The ring as a GeoJSON Polygon (closed, [lng, lat]), or null with fewer than 3 vertices. */
  function geometry() {
    if (points.length < 3) return null
    const ring = points.map((p) => [round(p.lng), round(p.lat)])
    ring.push([...ring[0]])
    return { type: 'Polygon', coordinates: [ring] }
  }

  function finish() {
    const g = geometry()
    if (g) cancel()
    return g
  }

  function cancel() {
    if (group) group.remove()
    group = null
    shape = null
    points = []
    count.value = 0
    active.value = false
  }

  return { active, count, start, add, undo, finish, cancel, geometry }
}

// The server keeps 8 decimals (about 1 mm); sending more only adds noise.
function round(x) {
  return Math.round(x * 1e8) / 1e8
}

/** Convex hull of [lng, lat] points (monotone chain): a starting border for a merge. */
export function convexHull(pts) {
  const p = [...new Map(pts.map((q) => [q.join(','), q])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  if (p.length < 3) return p
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
  const lower = []
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop()
    lower.push(q)
  }
  const upper = []
  for (const q of [...p].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop()
    upper.push(q)
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)]
}

/** Every outer-ring position of a Polygon or MultiPolygon. */
export function outerPositions(geometry) {
  if (!geometry) return []
  if (geometry.type === 'Polygon') return geometry.coordinates[0] || []
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flatMap((poly) => poly[0] || [])
  return []
}
